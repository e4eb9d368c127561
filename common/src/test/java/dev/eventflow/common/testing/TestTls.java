package dev.eventflow.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS key material made at test time with the JDK's own {@code keytool} (run as a process): a
 * self-signed certificate for {@code localhost} / {@code 127.0.0.1} in a PKCS12 keystore for the
 * broker, and a truststore holding that certificate for the clients. Nothing is checked in, nothing
 * outlives the test's directory, and each run has fresh keys.
 *
 * @param keystore the broker's keystore (PKCS12; key and store share {@code keystorePassword})
 * @param truststore the clients' truststore (PKCS12) with the broker's certificate
 */
public record TestTls(
        Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

    /** Certificates are valid for two days: long enough for any test run. */
    private static final String VALIDITY_DAYS = "2";

    /**
     * Generates a broker key pair and certificate named {@code name} in {@code dir}, and a
     * truststore that trusts it.
     */
    public static TestTls generate(
            Path dir, String name, String keystorePassword, String truststorePassword) {
        Path keystore = dir.resolve(name + "-keystore.p12");
        Path certificate = dir.resolve(name + ".pem");
        Path truststore = dir.resolve(name + "-truststore.p12");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost, O=eventflow test " + name,
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                VALIDITY_DAYS,
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                keystorePassword,
                "-keypass",
                keystorePassword);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                name,
                "-keystore",
                keystore.toString(),
                "-storepass",
                keystorePassword,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                truststorePassword);
        return new TestTls(keystore, keystorePassword, truststore, truststorePassword);
    }

    /** Runs {@code keytool} from the running JDK; fails with its output if it does. */
    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "keytool "
                                + args[0]
                                + " failed: "
                                + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    /** The client settings that trust the broker: {@code ssl.truststore.*}. */
    public java.util.Properties clientTrust() {
        java.util.Properties p = new java.util.Properties();
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", truststorePassword);
        return p;
    }
}
