package dev.eventflow.common.jdbc;

import dev.eventflow.common.kafka.StartupCheckException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The start-up check of a PostgreSQL output: connect, create the table when it is missing, and
 * refuse one whose shape the upsert cannot write (a column missing or of another type, a required
 * column the job does not fill, no unique key on exactly the conflict columns). Raises {@link
 * StartupCheckException} (exit code 1) with a message that says what to change.
 */
public final class JdbcTables {

    private JdbcTables() {}

    /**
     * Makes sure {@code target}'s table exists with {@code shape}.
     *
     * @return true when the table was created
     */
    public static boolean prepare(JdbcTarget target, UpsertTable shape) {
        try (Connection c = target.connect()) {
            String regclass = regclass(c, target.table());
            if (regclass == null) {
                try (Statement s = c.createStatement()) {
                    s.execute(shape.createSql(target.table()));
                }
                return true;
            }
            List<String> problems = problems(c, target.table(), shape);
            if (!problems.isEmpty()) {
                throw new StartupCheckException(
                        "table "
                                + target.table()
                                + " exists with a shape the upsert cannot write ("
                                + String.join("; ", problems)
                                + "). Point --jdbc-table at another table (it is created when"
                                + " missing), or alter this one to:\n"
                                + shape.createSql(target.table()));
            }
            return false;
        } catch (SQLException e) {
            throw new StartupCheckException(
                    "PostgreSQL at "
                            + target.safeUrl()
                            + " is not usable for --jdbc-table "
                            + target.table()
                            + ": "
                            + e.getMessage()
                            + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")")
                            + ". Check --jdbc-url, --jdbc-user and the password"
                            + " (--jdbc-password-env)",
                    e);
        }
    }

    private static String regclass(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT to_regclass(?)::text")) {
            p.setString(1, table);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /** What keeps the upsert from writing an existing table; empty when it can. */
    static List<String> problems(Connection c, String table, UpsertTable shape)
            throws SQLException {
        Map<String, String> types = new HashMap<>();
        Map<String, Boolean> required = new HashMap<>();
        try (PreparedStatement p =
                c.prepareStatement(
                        "SELECT a.attname, format_type(a.atttypid, NULL),"
                                + " a.attnotnull AND NOT a.atthasdef"
                                + " FROM pg_attribute a"
                                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0"
                                + " AND NOT a.attisdropped")) {
            p.setString(1, table);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    types.put(r.getString(1), r.getString(2));
                    required.put(r.getString(1), r.getBoolean(3));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Column col : shape.columns()) {
            String type = types.get(col.name);
            if (type == null) {
                problems.add("column " + col.name + " is missing");
            } else if (!col.acceptedTypes.contains(type)) {
                problems.add("column " + col.name + " is " + type + ", not " + col.sqlType);
            }
        }
        for (Map.Entry<String, Boolean> e : required.entrySet()) {
            if (e.getValue() && shape.column(e.getKey()) == null) {
                problems.add(
                        "column "
                                + e.getKey()
                                + " is NOT NULL without a default, and the job does not write it");
            }
        }
        if (!hasUniqueKey(c, table, new HashSet<>(shape.key()))) {
            problems.add(
                    "no primary key or unique index on exactly ("
                            + String.join(", ", shape.key())
                            + "), which ON CONFLICT needs");
        }
        return problems;
    }

    private static boolean hasUniqueKey(Connection c, String table, Set<String> key)
            throws SQLException {
        try (PreparedStatement p =
                c.prepareStatement(
                        "SELECT array_agg(a.attname::text) FROM pg_index i"
                                + " JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                + " AND a.attnum = ANY(i.indkey)"
                                + " WHERE i.indrelid = ?::regclass AND i.indisunique"
                                + " AND i.indpred IS NULL AND i.indexprs IS NULL"
                                + " GROUP BY i.indexrelid")) {
            p.setString(1, table);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Set<String> cols = new HashSet<>();
                    for (Object o : (Object[]) r.getArray(1).getArray()) cols.add((String) o);
                    if (cols.equals(key)) return true;
                }
            }
        }
        return false;
    }
}
