package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.jdbc.Column;
import dev.eventflow.common.jdbc.JdbcRows;
import dev.eventflow.common.jdbc.UpsertTable;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A {@link WindowResult} as a row of the PostgreSQL table ({@code --jdbc-table}, default {@code
 * user_windows}): the columns carry the names of the JSON output row's fields, the window bounds
 * are {@code timestamptz}, and (user_id, window_start, window_end) is the primary key the upsert
 * conflicts on. The amount columns are null when no event of the window had an amount, as in the
 * JSON row.
 */
public final class WindowResultRows implements JdbcRows<WindowResult> {
    private static final long serialVersionUID = 1L;

    public static final UpsertTable TABLE =
            new UpsertTable(
                    List.of(
                            Column.text("user_id"),
                            Column.timestamptz("window_start"),
                            Column.timestamptz("window_end"),
                            Column.bigint("events"),
                            Column.bigint("approx_sessions"),
                            Column.doublePrecision("sum_amount").orNull(),
                            Column.doublePrecision("avg_amount").orNull(),
                            Column.doublePrecision("min_amount").orNull(),
                            Column.doublePrecision("max_amount").orNull(),
                            Column.bigint("purchases")),
                    List.of("user_id", "window_start", "window_end"));

    @Override
    public UpsertTable table() {
        return TABLE;
    }

    @Override
    public Object[] values(WindowResult r) {
        return new Object[] {
            r.userId,
            time(r.windowStart),
            time(r.windowEnd),
            r.events,
            r.approxSessions,
            r.sumAmount,
            r.avgAmount,
            r.minAmount,
            r.maxAmount,
            r.purchases
        };
    }

    private static OffsetDateTime time(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }
}
