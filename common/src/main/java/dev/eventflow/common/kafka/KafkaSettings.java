package dev.eventflow.common.kafka;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import java.util.Properties;

/** Derived Kafka names and client properties shared by the source, sink and admin factories. */
public final class KafkaSettings {

    private KafkaSettings() {}

    /** {@code --group-id}, or {@code eventflow-<job>}. */
    public static String groupId(ParsedOptions o, String jobName) {
        String g = o.get(CommonOptions.GROUP_ID);
        return g != null ? g : "eventflow-" + jobName;
    }

    /**
     * {@code --transactional-id-prefix}, or {@code eventflow-<job>-<output-topic>}. Every sink adds
     * its role ({@code -out}, {@code -late}, {@code -dlq}), so ids are unique per job and sink; two
     * deployments of one job writing the same topic must be given different prefixes, or they fence
     * each other's producers.
     */
    public static String transactionalIdPrefix(ParsedOptions o, String jobName) {
        String p = o.get(CommonOptions.TRANSACTIONAL_ID_PREFIX);
        return p != null ? p : "eventflow-" + jobName + "-" + o.get(CommonOptions.OUTPUT_TOPIC);
    }

    /** Bootstrap servers plus every {@code --kafka.*} pass-through property. */
    public static Properties clientProperties(ParsedOptions o) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", o.get(CommonOptions.BOOTSTRAP_SERVERS));
        p.putAll(o.kafkaProperties());
        return p;
    }
}
