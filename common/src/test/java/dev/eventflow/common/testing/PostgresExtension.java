package dev.eventflow.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL server per test class, from Debian's {@code postgresql} package: a fresh
 * cluster ({@code initdb}) under the module's {@code target/}, started with {@code pg_ctl} on a
 * free loopback port, stopped and deleted after the class's last test.
 *
 * <pre>
 * &#64;RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * </pre>
 *
 * The server asks for a password over TCP (scram-sha-256): connect as {@link #USER} with {@link
 * #PASSWORD} to {@link #jdbcUrl()}. Tests of a class share the server and isolate themselves by
 * table ({@link #uniqueTable}). {@link #stop()} and {@link #start()} take it down and bring it back
 * on the same port with the same data, for outage tests.
 *
 * <p>PostgreSQL refuses to run as root: when the tests run as root (CI does), the server runs as
 * the {@code postgres} user the package creates ({@code runuser -u postgres}), in a directory it
 * owns; if that user cannot reach {@code target/} (a checkout under a private home directory), the
 * cluster goes to a fresh directory under {@code java.io.tmpdir} instead. Missing binaries fail the
 * test class with a message naming the package, never a silent skip.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String USER = "eventflow";

    /** A test-only secret; the jobs read theirs from an environment variable. */
    public static final String PASSWORD = "eventflow-test-password";

    private static final String SERVICE_USER = "postgres";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private Path bin;
    private Path base;
    private Path data;
    private int port;
    private boolean running;
    private String ownerContextId;
    private Thread shutdownHook;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (base != null) return; // a @Nested class inside the owning class
        ownerContextId = context.getUniqueId();
        bin = serverBinaries();
        base = clusterDirectory();
        data = base.resolve("data");
        port = NativeServers.freePort();
        initdb();
        shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (base == null || !context.getUniqueId().equals(ownerContextId)) return;
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            NativeServers.deleteRecursively(base);
            base = null;
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String jdbcUrl() {
        requireStarted();
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        requireStarted();
        return port;
    }

    /** A new connection as {@link #USER}; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** A table name {@code <prefix>_<n>}, unique in this JVM (not created). */
    public String uniqueTable(String prefix) {
        return prefix + "_" + TABLES.incrementAndGet();
    }

    /** Starts the (stopped) server again, same port, same data; waits until it accepts. */
    public synchronized void start() {
        if (running) return;
        NativeServers.run(
                command(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        base.resolve("server.log").toString(),
                        "-w",
                        "-t",
                        Long.toString(START_TIMEOUT.toSeconds()),
                        "-o",
                        "-p "
                                + port
                                + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                                + " -c fsync=off -c synchronous_commit=off"
                                + " -c full_page_writes=off -c max_connections=60",
                        "start"),
                base.resolve("commands.log"),
                START_TIMEOUT.plusSeconds(10));
        running = true;
    }

    /** Stops the server (fast shutdown: open connections are cut, as in an outage). */
    public synchronized void stop() {
        if (!running) return;
        NativeServers.run(
                command(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-m",
                        "fast",
                        "-w",
                        "stop"),
                base.resolve("commands.log"),
                Duration.ofSeconds(60));
        running = false;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("could not stop the test PostgreSQL server: " + e.getMessage());
        }
    }

    private void requireStarted() {
        if (base == null)
            throw new IllegalStateException(
                    "PostgresExtension is not started: register it with @RegisterExtension on a"
                            + " static field");
    }

    private void initdb() {
        Path pwfile = base.resolve("pwfile");
        try {
            Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
            handOver(pwfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NativeServers.run(
                command(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        USER,
                        "--pwfile=" + pwfile,
                        "--auth-host=scram-sha-256",
                        "--auth-local=peer",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync"),
                base.resolve("commands.log"),
                Duration.ofSeconds(120));
    }

    /** The command as the server's user: as is, or through runuser when the tests run as root. */
    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (NativeServers.runningAsRoot()) {
            cmd.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** initdb and pg_ctl of the newest PostgreSQL installed by Debian's package. */
    private static Path serverBinaries() {
        List<Path> candidates = new ArrayList<>();
        Path root = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                versions.sorted(Comparator.comparing(PostgresExtension::majorVersion).reversed())
                        .forEach(v -> candidates.add(v.resolve("bin").resolve("pg_ctl")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path pgCtl = NativeServers.binary("pg_ctl", "postgresql", candidates);
        Path dir;
        try {
            dir = pgCtl.toRealPath().getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NativeServers.binary("initdb", "postgresql", List.of(dir.resolve("initdb")));
        return dir;
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A new directory for the cluster, owned by the server's user: under {@code target/} when that
     * user can reach it, else under the temp directory.
     */
    private static Path clusterDirectory() {
        Path dir = NativeServers.newDirectory("postgres");
        if (!NativeServers.runningAsRoot()) return dir;
        try {
            handOver(dir);
            Path probe = dir.resolve("probe");
            NativeServers.run(
                    command("touch", probe.toString()),
                    dir.getParent().resolve(dir.getFileName() + ".probe.log"),
                    Duration.ofSeconds(10));
            Files.deleteIfExists(dir.getParent().resolve(dir.getFileName() + ".probe.log"));
            return dir;
        } catch (IllegalStateException | IOException unreachable) {
            try {
                NativeServers.deleteRecursively(dir);
                Files.deleteIfExists(dir.getParent().resolve(dir.getFileName() + ".probe.log"));
                Path tmp = Files.createTempDirectory("eventflow-postgres-");
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
                handOver(tmp);
                return tmp;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Gives a path to the server's user when the tests run as root. */
    private static void handOver(Path path) throws IOException {
        if (!NativeServers.runningAsRoot()) return;
        UserPrincipal owner =
                path.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName(SERVICE_USER);
        Files.setOwner(path, owner);
    }
}
