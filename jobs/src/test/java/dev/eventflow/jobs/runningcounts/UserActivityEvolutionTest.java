package dev.eventflow.jobs.runningcounts;

import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.event.UserEvent;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state class can evolve: a snapshot written by the real {@link RunningCountFunction} with
 * today's {@link UserActivity} restores into a next version of the same class that has one more
 * field, through Flink's own POJO schema evolution ({@code PojoSerializerSnapshot} resolving
 * "compatible after migration"), on the heap and on RocksDB (which rewrites every entry on
 * restore).
 *
 * <p>How: the test compiles the production source of {@code UserActivity} with one added field
 * ({@code lastEventType}) into a temporary directory and loads it, under the same class name, in a
 * child-first class loader that becomes the restored operator's user-code class loader, exactly as
 * a new job jar would be on a cluster. A small reflective function stands in for the next version
 * of {@link RunningCountFunction}: it reads the restored value, writes the new field, and a second
 * snapshot/restore proves the new field itself survives.
 */
class UserActivityEvolutionTest {

    private static final String CLASS_NAME = UserActivity.class.getName();
    private static final int MAX_PARALLELISM = 128;
    private static final String SOURCE_FILE =
            "src/main/java/" + CLASS_NAME.replace('.', '/') + ".java";

    /**
     * The production source: Maven runs tests in the module directory, an IDE maybe in the root.
     */
    private static final Path SOURCE =
            Files.exists(Paths.get(SOURCE_FILE))
                    ? Paths.get(SOURCE_FILE)
                    : Paths.get("jobs", SOURCE_FILE);

    @TempDir Path classes;

    private static StateBackend backend(String name) {
        return name.equals("rocksdb")
                ? new EmbeddedRocksDBStateBackend()
                : new HashMapStateBackend();
    }

    private static StreamRecord<UserEvent> record(String user, String session, long time) {
        return new StreamRecord<>(
                new UserEvent("e-" + time, user, session, "purchase", time, 1.0), time);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSnapshotOfTodaysStateRestoresIntoAClassWithOneMoreField(String backendName)
            throws Exception {
        // Version 1: the production function and class.
        OperatorSubtaskState v1Snapshot;
        try (var v1 =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new RunningCountFunction(
                                        TimeoutMode.NONE, Duration.ZERO, Duration.ZERO)),
                        RunningCountsJob.BY_USER,
                        Types.STRING,
                        MAX_PARALLELISM,
                        1,
                        0)) {
            v1.setStateBackend(backend(backendName));
            v1.open();
            v1.processElement(record("alice", "s1", at(0, 0)));
            v1.processElement(record("alice", "s2", at(1, 0)));
            v1.processElement(record("bob", "s7", at(2, 0)));
            v1Snapshot = v1.snapshot(1L, 1L);
        }

        // Version 2: the same class name with one added field, in its own class loader.
        ClassLoader v2Loader = compileNextVersion();
        Class<?> v2Class = Class.forName(CLASS_NAME, true, v2Loader);
        assertThat(v2Class).isNotSameAs(UserActivity.class);
        assertThat(v2Class.getField("lastEventType").getType()).isEqualTo(String.class);
        assertThat(TypeInformation.of(v2Class)).isInstanceOf(PojoTypeInfo.class);

        OperatorSubtaskState v2Snapshot;
        try (var v2 = nextVersionHarness(v2Class, v2Loader, backendName)) {
            v2.initializeState(v1Snapshot);
            v2.open();
            v2.processElement(record("alice", "s3", at(3, 0)));
            v2.processElement(record("bob", "s8", at(4, 0)));
            v2.processElement(record("carol", "s1", at(5, 0)));
            // The old fields came back; the new one starts at its Java default (null).
            assertThat(v2.extractOutputValues())
                    .containsExactly(
                            "alice restored count=2 firstSeen="
                                    + at(0, 0)
                                    + " lastSeen="
                                    + at(1, 0)
                                    + " lastSession=s2 lastEventType=null",
                            "bob restored count=1 firstSeen="
                                    + at(2, 0)
                                    + " lastSeen="
                                    + at(2, 0)
                                    + " lastSession=s7 lastEventType=null",
                            "carol new");
            v2Snapshot = v2.snapshot(2L, 2L);
        }

        // The new field is state like any other: it survives the next snapshot/restore.
        try (var v2Again = nextVersionHarness(v2Class, v2Loader, backendName)) {
            v2Again.initializeState(v2Snapshot);
            v2Again.open();
            v2Again.processElement(record("alice", "s4", at(6, 0)));
            assertThat(v2Again.extractOutputValues())
                    .containsExactly(
                            "alice restored count=3 firstSeen="
                                    + at(0, 0)
                                    + " lastSeen="
                                    + at(3, 0)
                                    + " lastSession=s3 lastEventType=purchase");
        }
    }

    /** The negative control: a retyped field is not an evolution; the restore fails loudly. */
    @Test
    void aFieldWhoseTypeChangedIsRefusedOnRestore() throws Exception {
        OperatorSubtaskState v1Snapshot;
        try (var v1 =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new RunningCountFunction(
                                        TimeoutMode.NONE, Duration.ZERO, Duration.ZERO)),
                        RunningCountsJob.BY_USER,
                        Types.STRING,
                        MAX_PARALLELISM,
                        1,
                        0)) {
            v1.open();
            v1.processElement(record("alice", "s1", at(0, 0)));
            v1Snapshot = v1.snapshot(1L, 1L);
        }
        ClassLoader retyped = compileVariant("public long count;", "public int count;");
        Class<?> retypedClass = Class.forName(CLASS_NAME, true, retyped);
        try (var h = nextVersionHarness(retypedClass, retyped, "hashmap")) {
            assertThatThrownBy(
                            () -> {
                                h.initializeState(v1Snapshot);
                                h.open();
                            })
                    .hasStackTraceContaining("UserActivity.count");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, String>
            nextVersionHarness(Class<?> stateClass, ClassLoader loader, String backendName)
                    throws Exception {
        MockEnvironment env =
                new MockEnvironmentBuilder()
                        .setUserCodeClassLoader(loader)
                        .setMaxParallelism(MAX_PARALLELISM)
                        .setParallelism(1)
                        .setSubtaskIndex(0)
                        .build();
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new NextVersionFunction(stateClass)),
                        RunningCountsJob.BY_USER,
                        Types.STRING,
                        env);
        h.setStateBackend(backend(backendName));
        return h;
    }

    /** Compiles the production source plus one field; loads that class child-first. */
    private ClassLoader compileNextVersion() throws IOException {
        String anchor = "public long timerAt = NO_TIMER;";
        return compileVariant(
                anchor,
                anchor + "\n\n    /** Added in version 2. */\n    public String lastEventType;\n");
    }

    /** Compiles the production source with one text replacement; loads it child-first. */
    private ClassLoader compileVariant(String anchor, String replacement) throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        assertThat(source).contains(anchor);
        String next = source.replace(anchor, replacement);
        Path dir = classes.resolve("src/" + CLASS_NAME.replace('.', '/')).getParent();
        Files.createDirectories(dir);
        Path file = dir.resolve("UserActivity.java");
        Files.writeString(file, next, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path out = classes.resolve("out");
        Files.createDirectories(out);
        int rc = javac.run(null, null, null, "-d", out.toString(), file.toString());
        assertThat(rc).as("javac exit code").isZero();
        URL[] urls = {out.toUri().toURL()};
        ClassLoader parent = UserActivityEvolutionTest.class.getClassLoader();
        return new URLClassLoader(urls, parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve)
                    throws ClassNotFoundException {
                if (!name.equals(CLASS_NAME)) return super.loadClass(name, resolve);
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) c = findClass(name);
                    if (resolve) resolveClass(c);
                    return c;
                }
            }
        };
    }

    /**
     * Stands in for version 2 of {@link RunningCountFunction}: same state name, the evolved class
     * (known only by reflection here, as it does not exist at compile time).
     */
    private static final class NextVersionFunction
            extends KeyedProcessFunction<String, UserEvent, String> {
        private static final long serialVersionUID = 1L;

        private final Class<?> stateClass;
        private transient ValueState<Object> state;

        NextVersionFunction(Class<?> stateClass) {
            this.stateClass = stateClass;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void open(OpenContext openContext) {
            state =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            RunningCountFunction.STATE_NAME,
                                            (TypeInformation<Object>)
                                                    TypeInformation.of(stateClass)));
        }

        @Override
        public void processElement(UserEvent e, Context ctx, Collector<String> out)
                throws Exception {
            Object a = state.value();
            if (a == null) {
                out.collect(ctx.getCurrentKey() + " new");
                a =
                        stateClass
                                .getMethod("first", long.class, String.class)
                                .invoke(null, e.eventTime, e.sessionId);
            } else {
                assertThat(a.getClass()).isSameAs(stateClass);
                out.collect(
                        ctx.getCurrentKey()
                                + " restored count="
                                + get(a, "count")
                                + " firstSeen="
                                + get(a, "firstSeen")
                                + " lastSeen="
                                + get(a, "lastSeen")
                                + " lastSession="
                                + get(a, "lastSession")
                                + " lastEventType="
                                + get(a, "lastEventType"));
                stateClass
                        .getMethod("add", long.class, String.class)
                        .invoke(a, e.eventTime, e.sessionId);
            }
            stateClass.getField("lastEventType").set(a, e.eventType);
            state.update(a);
        }

        private static Object get(Object o, String field) throws ReflectiveOperationException {
            Field f = o.getClass().getField(field);
            return f.get(o);
        }
    }
}
