package dev.eventflow.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Redis server per test class, from Debian's {@code redis-server} package: started on a
 * free loopback port with its working directory under the module's {@code target/} and persistence
 * off ({@code --save ''}, no AOF), stopped after the class's last test.
 *
 * <pre>
 * &#64;RegisterExtension static final RedisExtension REDIS = new RedisExtension();
 * </pre>
 *
 * {@link #stop()} and {@link #start()} take it down and bring it back on the same port (empty: no
 * persistence), for outage tests. A missing binary fails the test class with a message naming the
 * package, never a silent skip.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private Path binary;
    private Path dir;
    private int port;
    private Process server;
    private String ownerContextId;
    private Thread shutdownHook;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (dir != null) return; // a @Nested class inside the owning class
        ownerContextId = context.getUniqueId();
        binary =
                NativeServers.binary(
                        "redis-server",
                        "redis-server",
                        List.of(Paths.get("/usr/bin/redis-server")));
        dir = NativeServers.newDirectory("redis");
        port = NativeServers.freePort();
        shutdownHook = new Thread(this::stop, "redis-test-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir == null || !context.getUniqueId().equals(ownerContextId)) return;
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            NativeServers.deleteRecursively(dir);
            dir = null;
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port();
    }

    public int port() {
        if (dir == null)
            throw new IllegalStateException(
                    "RedisExtension is not started: register it with @RegisterExtension on a"
                            + " static field");
        return port;
    }

    /** Starts the (stopped) server again on the same port; waits until it answers PING. */
    public synchronized void start() {
        if (server != null && server.isAlive()) return;
        try {
            server =
                    new ProcessBuilder(
                                    binary.toString(),
                                    "--port",
                                    Integer.toString(port),
                                    "--bind",
                                    "127.0.0.1",
                                    "--dir",
                                    dir.toString(),
                                    "--save",
                                    "",
                                    "--appendonly",
                                    "no",
                                    "--daemonize",
                                    "no",
                                    "--loglevel",
                                    "warning")
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    ProcessBuilder.Redirect.appendTo(
                                            dir.resolve("server.log").toFile()))
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "redis-server exited with "
                                + server.exitValue()
                                + "\n"
                                + NativeServers.tail(dir.resolve("server.log")));
            }
            if ("+PONG".equals(ping())) return;
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(
                        "redis-server did not answer PING within "
                                + START_TIMEOUT
                                + "\n"
                                + NativeServers.tail(dir.resolve("server.log")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the server (SIGTERM: no save, persistence is off); waits for the process to end. */
    public synchronized void stop() {
        Process p = server;
        if (p == null) return;
        server = null;
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's answer to an inline PING, or null when it cannot be reached. */
    private String ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') line.append((char) c);
            return line.toString();
        } catch (IOException notYet) {
            return null;
        }
    }
}
