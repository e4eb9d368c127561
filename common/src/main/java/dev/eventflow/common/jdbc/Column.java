package dev.eventflow.common.jdbc;

import java.io.Serializable;
import java.sql.Types;
import java.util.Set;

/**
 * One column of an upsert table: its name (the output row's field name), its PostgreSQL type, and
 * whether it may be null. The types the suite writes: {@link #text}, {@link #timestamptz}, {@link
 * #bigint}, {@link #doublePrecision}.
 */
public final class Column implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String name;

    /** As written in {@code CREATE TABLE}. */
    public final String sqlType;

    /** The {@code information_schema.columns.data_type} spellings accepted in an existing table. */
    public final Set<String> acceptedTypes;

    /** {@link java.sql.Types} constant, for binding nulls. */
    public final int jdbcType;

    public final boolean nullable;

    private Column(
            String name,
            String sqlType,
            Set<String> acceptedTypes,
            int jdbcType,
            boolean nullable) {
        this.name = name;
        this.sqlType = sqlType;
        this.acceptedTypes = acceptedTypes;
        this.jdbcType = jdbcType;
        this.nullable = nullable;
    }

    /** Text; an existing {@code varchar} column is accepted too. */
    public static Column text(String name) {
        return new Column(name, "text", Set.of("text", "character varying"), Types.VARCHAR, false);
    }

    /** An instant, bound as {@link java.time.OffsetDateTime} in UTC. */
    public static Column timestamptz(String name) {
        return new Column(
                name,
                "timestamptz",
                Set.of("timestamp with time zone"),
                Types.TIMESTAMP_WITH_TIMEZONE,
                false);
    }

    public static Column bigint(String name) {
        return new Column(name, "bigint", Set.of("bigint"), Types.BIGINT, false);
    }

    public static Column doublePrecision(String name) {
        return new Column(
                name, "double precision", Set.of("double precision"), Types.DOUBLE, false);
    }

    /** The same column, allowed to hold null. */
    public Column orNull() {
        return new Column(name, sqlType, acceptedTypes, jdbcType, true);
    }

    @Override
    public String toString() {
        return name + " " + sqlType + (nullable ? "" : " not null");
    }
}
