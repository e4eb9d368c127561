package dev.eventflow.common.jdbc;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a table rows are upserted into: its columns in order and its key (the conflict
 * target). Gives the {@code CREATE TABLE} and the {@code INSERT ... ON CONFLICT (key) DO UPDATE}
 * statement; {@link JdbcTables} checks an existing table against it.
 */
public final class UpsertTable implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Column> columns;
    private final List<String> key;

    public UpsertTable(List<Column> columns, List<String> key) {
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        for (String k : key) {
            Column c = column(k);
            if (c == null || c.nullable)
                throw new IllegalArgumentException(
                        "key column " + k + " must be a not-null column");
        }
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> key() {
        return key;
    }

    /** The column called {@code name}, or null. */
    public Column column(String name) {
        for (Column c : columns) if (c.name.equals(name)) return c;
        return null;
    }

    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) if (columns.get(i).name.equals(name)) return i;
        return -1;
    }

    /** {@code CREATE TABLE IF NOT EXISTS table (... , PRIMARY KEY (key))}. */
    public String createSql(String table) {
        List<String> parts = new ArrayList<>();
        for (Column c : columns)
            parts.add(c.name + " " + c.sqlType + (c.nullable ? "" : " NOT NULL"));
        parts.add("PRIMARY KEY (" + String.join(", ", key) + ")");
        return "CREATE TABLE IF NOT EXISTS "
                + table
                + " (\n  "
                + String.join(",\n  ", parts)
                + "\n)";
    }

    /**
     * {@code INSERT INTO table (cols) VALUES (?, ...) ON CONFLICT (key) DO UPDATE SET col =
     * EXCLUDED.col, ...}: writing the same row twice leaves the table as writing it once.
     */
    public String upsertSql(String table) {
        String names = columns.stream().map(c -> c.name).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        String updates =
                columns.stream()
                        .filter(c -> !key.contains(c.name))
                        .map(c -> c.name + " = EXCLUDED." + c.name)
                        .collect(Collectors.joining(", "));
        return "INSERT INTO "
                + table
                + " ("
                + names
                + ") VALUES ("
                + marks
                + ") ON CONFLICT ("
                + String.join(", ", key)
                + ") "
                + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updates);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpsertTable
                && columns.toString().equals(((UpsertTable) o).columns.toString())
                && key.equals(((UpsertTable) o).key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns.toString(), key);
    }
}
