package dev.eventflow.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What the real-server test extensions ({@link PostgresExtension}, {@link RedisExtension}) share:
 * finding a Debian package's binaries, a free loopback port, a fresh directory under the build
 * folder, running a command with a deadline, and deleting a directory afterwards.
 */
final class NativeServers {

    private NativeServers() {}

    private static final AtomicInteger DIRS = new AtomicInteger();

    /** True when the tests run as root (CI does): PostgreSQL then runs as another user. */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The first of {@code candidates} that is an executable file, else the program of that name on
     * the PATH; fails with a message that names the Debian package otherwise (tests never skip
     * silently because a server is missing).
     */
    static Path binary(String program, String debianPackage, List<Path> candidates) {
        for (Path c : candidates) {
            if (Files.isExecutable(c)) return c;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path c = Paths.get(dir, program);
            if (Files.isExecutable(c)) return c;
        }
        throw new IllegalStateException(
                program
                        + " not found (looked in "
                        + candidates
                        + " and on the PATH): these tests need a real server from Debian's '"
                        + debianPackage
                        + "' package. Install it with 'apt-get install -y "
                        + debianPackage
                        + "' (.ci/install-services does this for CI).");
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty directory {@code target/<prefix>-<pid>-<n>} of the module under test. */
    static Path newDirectory(String prefix) {
        Path dir =
                Paths.get("target")
                        .toAbsolutePath()
                        .resolve(
                                prefix
                                        + "-"
                                        + ProcessHandle.current().pid()
                                        + "-"
                                        + DIRS.incrementAndGet());
        try {
            deleteRecursively(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code command} to its end (at most {@code timeout}), output to {@code log}.
     *
     * @throws IllegalStateException with the log's tail when it fails or overruns
     */
    static void run(List<String> command, Path log, Duration timeout) {
        try {
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "timed out after " + timeout + ": " + command + "\n" + tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "exit code " + p.exitValue() + ": " + command + "\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log) {
        try {
            if (!Files.exists(log)) return "(no log)";
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) Files.deleteIfExists(p);
    }
}
