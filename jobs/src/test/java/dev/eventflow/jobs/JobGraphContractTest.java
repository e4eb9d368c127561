package dev.eventflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The savepoint contract of every job registered in {@link Launcher#jobs()}, checked on the job
 * graph its production {@code buildPipeline} produces (no broker needed), in an environment
 * configured as in production ({@link JobEnvironment#configuration}: auto-generated uids off,
 * generic types off):
 *
 * <ul>
 *   <li>every operator, source and sink carries a user-set uid (state maps to operators by uid);
 *   <li>no record type, key type or window state type is serialized with Kryo (Kryo state cannot
 *       evolve and changed format between Flink 1 and 2);
 *   <li>{@code pipeline.max-parallelism} is set explicitly (it fixes the key groups of the state).
 * </ul>
 *
 * New jobs are picked up when they are registered; {@link #EXTRA_ARGS} holds the options a job
 * requires beyond {@code --bootstrap-servers}. State declared inside functions at run time (e.g. a
 * ValueState in open()) is not in the graph; with generic types disabled, a Kryo type there fails
 * the job at start instead.
 */
class JobGraphContractTest {

    /**
     * Options a job requires beyond --bootstrap-servers, by job name, and optional outputs to
     * include in the graph (window-aggregation's PostgreSQL output adds two operators).
     */
    private static final Map<String, List<String>> EXTRA_ARGS =
            Map.of(
                    "reconcile",
                    List.of("--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T01:00:00Z"),
                    "window-aggregation",
                    List.of("--jdbc-url", "jdbc:postgresql://localhost:5432/eventflow"));

    static Stream<String> jobs() {
        return Launcher.jobs().keySet().stream();
    }

    private static ParsedOptions optionsOf(SuiteJob job) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "localhost:9092"));
        args.addAll(EXTRA_ARGS.getOrDefault(job.name(), List.of()));
        return job.options().parse(args.toArray(new String[0]));
    }

    private static StreamGraph graphOf(SuiteJob job) {
        ParsedOptions o = optionsOf(job);
        job.validate(o);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(o, job.name(), job.executionMode()));
        job.buildPipeline(env, o);
        // Walk the transformations for their declared types before the graph consumes them.
        Set<Transformation<?>> all = new HashSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            all.addAll(sink.getTransitivePredecessors());
        }
        for (Transformation<?> t : all) {
            String where = job.name() + " / " + t.getName();
            assertNoGenericType(t.getOutputType(), where + " (output)");
            if (t instanceof OneInputTransformation<?, ?> one && one.getStateKeyType() != null) {
                assertNoGenericType(one.getStateKeyType(), where + " (key)");
            }
            if (t instanceof TwoInputTransformation<?, ?, ?> two && two.getStateKeyType() != null) {
                assertNoGenericType(two.getStateKeyType(), where + " (key)");
            }
        }
        // Building the graph creates every serializer; with generic types off a Kryo one throws.
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getJobConfiguration().getOptional(PipelineOptions.MAX_PARALLELISM))
                .as(job.name() + ": pipeline.max-parallelism set explicitly")
                .isPresent();
        return graph;
    }

    /** One line at start that says where the job reads and writes, in the same shape for all. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void theBannerNamesInputOutputDeadLettersAndBroker(String name) {
        SuiteJob job = Launcher.jobs().get(name);
        ParsedOptions o = optionsOf(job);
        assertThat(job.banner(o))
                .matches(".+ -> .+ \\((.+, )?dead letters: [^,]+\\) on .+")
                .endsWith(
                        "dead letters: "
                                + o.get(CommonOptions.DLQ_TOPIC)
                                + ") on "
                                + o.get(CommonOptions.BOOTSTRAP_SERVERS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void everyOperatorHasAUserSetUid(String name) {
        StreamGraph graph = graphOf(Launcher.jobs().get(name));
        assertThat(graph.getStreamNodes()).isNotEmpty();
        Set<String> uids = new HashSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID())
                    .as(name + ": uid of '" + node.getOperatorName() + "'")
                    .isNotBlank();
            assertThat(uids.add(node.getTransformationUID()))
                    .as(name + ": uid '" + node.getTransformationUID() + "' used once")
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void noRecordKeyOrWindowStateIsSerializedWithKryo(String name) {
        StreamGraph graph = graphOf(Launcher.jobs().get(name));
        for (StreamNode node : graph.getStreamNodes()) {
            String where = name + " / " + node.getOperatorName();
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertNotKryo(in, where + " (input)");
            }
            assertNotKryo(node.getTypeSerializerOut(), where + " (output)");
            assertNotKryo(node.getStateKeySerializer(), where + " (key)");
            if (node.getOperatorFactory() instanceof SimpleOperatorFactory<?> factory
                    && factory.getOperator() instanceof WindowOperator<?, ?, ?, ?, ?> window) {
                StateDescriptor<?, ?> state = window.getStateDescriptor();
                state.initializeSerializerUnlessSet(graph.getExecutionConfig());
                assertNotKryo(state.getSerializer(), where + " (window state)");
            }
        }
    }

    private static void assertNotKryo(TypeSerializer<?> serializer, String where) {
        if (serializer == null) return; // e.g. no key: not a keyed operator
        assertThat(serializer).as(where).isNotInstanceOf(KryoSerializer.class);
    }

    /** A GenericTypeInfo anywhere in the type tree means Kryo for that part. */
    static void assertNoGenericType(TypeInformation<?> type, String where) {
        if (type == null) return;
        assertThat(type).as(where + ": " + type).isNotInstanceOf(GenericTypeInfo.class);
        if (type instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericType(composite.getTypeAt(i), where);
            }
        } else if (type instanceof ListTypeInfo<?> list) {
            assertNoGenericType(list.getElementTypeInfo(), where);
        } else if (type instanceof MapTypeInfo<?, ?> map) {
            assertNoGenericType(map.getKeyTypeInfo(), where);
            assertNoGenericType(map.getValueTypeInfo(), where);
        } else if (type instanceof ObjectArrayTypeInfo<?, ?> array) {
            assertNoGenericType(array.getComponentInfo(), where);
        } else if (type instanceof BasicArrayTypeInfo<?, ?> array) {
            assertNoGenericType(array.getComponentInfo(), where);
        }
    }
}
