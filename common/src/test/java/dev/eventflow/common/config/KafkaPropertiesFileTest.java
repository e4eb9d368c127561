package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-properties FILE} and {@code ${env:NAME}} references to secrets. */
class KafkaPropertiesFileTest {

    private static final String SECRET = "pa55-w0rd-never-printed";

    private final OptionSet options = new OptionSet(CommonOptions.ALL);

    @TempDir Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void fileEntriesAreClientPropertiesAndTheCommandLineWins() throws IOException {
        Path f =
                file(
                        "# the Kafka tools' format\n"
                                + "security.protocol=SASL_SSL\n"
                                + "sasl.mechanism = SCRAM-SHA-512\n"
                                + "linger.ms=5\n");
        ParsedOptions o =
                options.parse(
                        "--bootstrap-servers",
                        "b:1",
                        "--kafka-properties",
                        f.toString(),
                        "--kafka.linger.ms",
                        "20");
        assertThat(o.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("linger.ms", "20")
                .doesNotContainKey("config.providers");
        ParsedOptions inline =
                options.parse("--bootstrap-servers", "b:1", "--kafka-properties=" + f);
        assertThat(inline.kafkaProperties()).containsEntry("linger.ms", "5");
    }

    @Test
    void guardedEntriesOfTheFileAreRefusedLikeOnTheCommandLine() throws IOException {
        Path f = file("security.protocol=SASL_SSL\nenable.idempotence=false\n");
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka-properties",
                                        f.toString()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith(
                        "--kafka-properties " + f + ": enable.idempotence is refused: ")
                .hasMessageContaining("--delivery");
        Path g = file("isolation.level=read_uncommitted\n");
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka-properties",
                                        g.toString()))
                .hasMessageContaining("isolation.level is refused");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka-properties",
                                        dir.resolve("nope.properties").toString()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--kafka-properties ")
                .hasMessageContaining("nope.properties: no such file");
    }

    @Test
    void anUnreadableFileIsRefusedWithoutEchoingItsContent() throws IOException {
        // A malformed \\u escape makes Properties.load fail; its content must not be echoed.
        Path f = file("sasl.jaas.config=" + SECRET + "\\uZZZZ\n");
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka-properties",
                                        f.toString()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("cannot be read")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void envReferencesAddKafkasEnvProviderAndAreResolvedByTheClientItself() throws IOException {
        // HOME is set in every environment the build runs in; it stands in for the secret.
        String name = "HOME";
        Path f = file("sasl.jaas.config=${env:" + name + "}\nsecurity.protocol=SASL_PLAINTEXT\n");
        ParsedOptions o =
                options.parse("--bootstrap-servers", "b:1", "--kafka-properties", f.toString());
        Map<String, String> props = o.kafkaProperties();
        assertThat(props)
                .containsEntry("sasl.jaas.config", "${env:" + name + "}")
                .containsEntry("config.providers", "env")
                .containsEntry(
                        "config.providers.env.class", KafkaClientProperties.ENV_PROVIDER_CLASS);
        // What a Kafka client does with it: Kafka's own config classes resolve the reference.
        Properties client = new Properties();
        client.putAll(props);
        client.put("bootstrap.servers", "b:1");
        AdminClientConfig config = new AdminClientConfig(client);
        assertThat(config.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value())
                .isEqualTo(System.getenv(name));
    }

    @Test
    void envReferenceOnTheCommandLineToAnUnsetVariableFailsNamingOnlyTheVariable() {
        Map<String, String> env = Map.of("SET_ONE", SECRET);
        assertThatThrownBy(
                        () ->
                                options.parse(
                                        env::get,
                                        "--bootstrap-servers",
                                        "b:1",
                                        "--kafka.sasl.jaas.config",
                                        "${env:EVENTFLOW_UNSET_VARIABLE}"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage(
                        "Kafka property sasl.jaas.config refers to environment variable"
                                + " EVENTFLOW_UNSET_VARIABLE, which is not set");
        ParsedOptions o =
                options.parse(
                        env::get,
                        "--bootstrap-servers",
                        "b:1",
                        "--kafka.sasl.jaas.config",
                        "${env:SET_ONE}");
        assertThat(o.kafkaProperties()).containsEntry("config.providers", "env");
    }

    @Test
    void anExplicitConfigProvidersSettingIsLeftAlone() {
        ParsedOptions o =
                options.parse(
                        "--bootstrap-servers",
                        "b:1",
                        "--kafka.config.providers",
                        "file",
                        "--kafka.config.providers.file.class",
                        "org.apache.kafka.common.config.provider.FileConfigProvider",
                        "--kafka.ssl.key.password",
                        "${file:/etc/kafka/secrets.properties:key}");
        assertThat(o.kafkaProperties())
                .containsEntry("config.providers", "file")
                .doesNotContainKey("config.providers.env.class");
    }

    @Test
    void helpDescribesTheFileAndTheEnvConvention() {
        assertThat(options.help("usage"))
                .contains("--kafka-properties <file>")
                .contains("${env:NAME}");
    }
}
