package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The late-event router and a window operator of one job run, taken out of a topology and chained
 * by hand in two operator harnesses: the router's output, records and watermarks, goes straight
 * into the window operator, as in the task's operator chain. Deterministic: the test decides every
 * record and every watermark.
 */
final class WindowChain implements AutoCloseable {

    final KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> router;
    final KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowResult> window;

    WindowChain(
            Function<DataStream<UserEvent>, WindowAggregationJob.Outputs> topology,
            StreamOperatorFactory<WindowResult> window,
            StateBackend backend,
            OperatorSubtaskState[] restore)
            throws Exception {
        this(topology, null, window, backend, restore);
    }

    /**
     * @param topology builds the router and the window operator (the job's or the naive one)
     * @param router the router to run instead of the topology's own, or null
     * @param window the window operator to run instead of the topology's own, or null
     * @param backend the state backend, or null for the harness default (heap)
     * @param restore the two operators' state from {@link #checkpoint}, or null
     */
    @SuppressWarnings("unchecked")
    WindowChain(
            Function<DataStream<UserEvent>, WindowAggregationJob.Outputs> topology,
            StreamOperatorFactory<UserEvent> router,
            StreamOperatorFactory<WindowResult> window,
            StateBackend backend,
            OperatorSubtaskState[] restore)
            throws Exception {
        WindowAggregationJob.Outputs out =
                topology.apply(
                        StreamExecutionEnvironment.getExecutionEnvironment()
                                .fromData(TypeInformation.of(UserEvent.class), new UserEvent())
                                .uid("in"));
        OneInputTransformation<UserEvent, WindowResult> windowT =
                (OneInputTransformation<UserEvent, WindowResult>) out.results().getTransformation();
        OneInputTransformation<UserEvent, UserEvent> routerT =
                (OneInputTransformation<UserEvent, UserEvent>)
                        windowT.getTransitivePredecessors().stream()
                                .filter(t -> Operators.ROUTE_LATE_EVENTS.uid().equals(t.getUid()))
                                .findFirst()
                                .orElseThrow();
        this.router =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        router != null ? router : routerT.getOperatorFactory(),
                        new UserIdKey(),
                        Types.STRING);
        this.window =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        window != null ? window : windowT.getOperatorFactory(),
                        new UserIdKey(),
                        Types.STRING);
        if (backend != null) {
            this.router.setStateBackend(backend);
            this.window.setStateBackend(backend);
        }
        if (restore != null) {
            this.router.initializeState(restore[0]);
            this.window.initializeState(restore[1]);
        }
        // A chain opens its operators tail first.
        this.window.open();
        this.router.open();
        pump();
    }

    /** Moves everything the router emitted into the window operator. */
    @SuppressWarnings("unchecked")
    private void pump() throws Exception {
        for (Object o; (o = router.getOutput().poll()) != null; ) {
            if (o instanceof StreamRecord) {
                window.processElement((StreamRecord<UserEvent>) o);
            } else if (o instanceof Watermark) {
                window.processWatermark((Watermark) o);
            } else if (o instanceof WatermarkStatus) {
                window.processWatermarkStatus((WatermarkStatus) o);
            }
        }
    }

    void send(UserEvent e) throws Exception {
        router.processElement(new StreamRecord<>(e, e.eventTime));
        pump();
    }

    void watermark(long w) throws Exception {
        router.processWatermark(w);
        pump();
    }

    OperatorSubtaskState[] checkpoint(long id) throws Exception {
        return new OperatorSubtaskState[] {router.snapshot(id, id), window.snapshot(id, id)};
    }

    List<WindowResult> rows() {
        return window.extractOutputValues();
    }

    List<UserEvent> late() {
        var side = router.getSideOutput(LateEventRouter.LATE);
        List<UserEvent> out = new ArrayList<>();
        if (side != null) side.forEach(r -> out.add(r.getValue().event()));
        return out;
    }

    @Override
    public void close() throws Exception {
        router.close();
        window.close();
    }
}
