package dev.eventflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OptionGroupsTest {

    private static List<String> keys(OptionSet set) {
        return set.options().stream().map(Option::key).collect(Collectors.toList());
    }

    @Test
    void aStreamingJobWithEventTimeAndLateOutputHasEveryCommonOptionInHelpOrder() {
        OptionSet set =
                OptionGroups.streamingJob(OptionGroups.LATE_OUTPUT, OptionGroups.EVENT_TIME);
        assertThat(keys(set))
                .containsExactlyElementsOf(
                        CommonOptions.ALL.stream().map(Option::key).collect(Collectors.toList()));
    }

    @Test
    void groupsComposeInCommonOrderThenTheJobsOwnInTheOrderAdded() {
        Option<String> own = Option.string("zz-own", "x", "a job's own option");
        Option<String> first = Option.string("aa-first", "y", "another");
        OptionSet set =
                OptionGroups.compose(
                        List.of(
                                List.of(own),
                                OptionGroups.TOPIC_CREATION,
                                List.of(first),
                                OptionGroups.KAFKA_INPUT));
        assertThat(keys(set))
                .containsExactly(
                        "bootstrap-servers",
                        "input-topic",
                        "dlq-topic",
                        "group-id",
                        "max-future-skew",
                        "create-topics",
                        "topic-partitions",
                        "topic-replication-factor",
                        "zz-own",
                        "aa-first");
    }

    @Test
    void aBatchJobHasNeitherTheUnboundedInputNorCheckpointingNorEventTime() {
        List<String> keys = keys(OptionGroups.batchJob());
        assertThat(keys).contains("bootstrap-servers", "output-topic", "state-backend");
        assertThat(keys)
                .doesNotContain(
                        "bounded",
                        "starting-offsets",
                        "checkpoint-interval",
                        "watermark-delay",
                        "idleness",
                        "late-topic");
    }

    @Test
    void everyJobGroupIsInBothBases() {
        for (List<Option<?>> group : OptionGroups.EVERY_JOB) {
            for (Option<?> o : group) {
                assertThat(keys(OptionGroups.batchJob())).contains(o.key());
                assertThat(keys(OptionGroups.streamingJob())).contains(o.key());
            }
        }
    }

    @Test
    void hllLgKIsDeclaredOnceAndAJobOnlyRedescribesIt() {
        Option<Integer> described = OptionGroups.HLL_LG_K.describedAs("behind something");
        assertThat(described.key()).isEqualTo("hll-lg-k");
        assertThat(described.description()).isEqualTo("behind something");
        assertThat(described.defaultValue()).isEqualTo(OptionGroups.HLL_LG_K.defaultValue());
        OptionSet set = new OptionSet(List.of(described));
        assertThatThrownBy(() -> set.parse("--hll-lg-k", "99"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("must be between");
    }
}
