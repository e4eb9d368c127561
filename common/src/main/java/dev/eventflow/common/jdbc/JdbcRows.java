package dev.eventflow.common.jdbc;

import java.io.Serializable;

/**
 * How records of one type become rows of an {@link UpsertTable}: the table's shape, and the values
 * of one record in column order ({@code String}, {@code java.time.OffsetDateTime}, {@code Long},
 * {@code Double}; null where the column is nullable).
 */
public interface JdbcRows<T> extends Serializable {

    UpsertTable table();

    /** The values of {@code record}, in the order of {@link UpsertTable#columns()}. */
    Object[] values(T record);
}
