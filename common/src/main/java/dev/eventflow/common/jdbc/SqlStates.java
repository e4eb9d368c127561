package dev.eventflow.common.jdbc;

import java.sql.SQLException;

/**
 * Tells a row the database rejects from a database the job cannot use, by SQLSTATE class. A data
 * error belongs to one row and is dead-lettered; anything else (connection lost, server shutting
 * down, table dropped, permission revoked, serialization failure) would hit every row alike and
 * must fail the job, which then restarts from its last checkpoint and writes the same rows again.
 */
public final class SqlStates {

    private SqlStates() {}

    /**
     * True for class 22 (data exception: value out of range, invalid text such as a NUL byte,
     * numeric overflow) and class 23 (integrity constraint violation: NOT NULL, CHECK, foreign
     * key), looking through batch and cause chains.
     */
    public static boolean isDataError(SQLException e) {
        String state = state(e);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The most specific SQLSTATE of {@code e}: its next exception's or cause's when it has one. */
    public static String state(SQLException e) {
        String found = null;
        for (Throwable t = e; t != null; ) {
            if (t instanceof SQLException) {
                SQLException s = (SQLException) t;
                if (s.getSQLState() != null) found = s.getSQLState();
                SQLException next = s.getNextException();
                t = next != null && next != s ? next : (s.getCause() != s ? s.getCause() : null);
            } else {
                t = t.getCause();
            }
        }
        return found;
    }

    /** The database's reason: the most specific message, with its SQLSTATE. */
    public static String reason(SQLException e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; ) {
            if (t instanceof SQLException) {
                deepest = t;
                SQLException s = (SQLException) t;
                SQLException next = s.getNextException();
                t = next != null && next != s ? next : (s.getCause() != s ? s.getCause() : null);
            } else {
                t = t.getCause();
            }
        }
        String state = state(e);
        return "rejected by PostgreSQL"
                + (state == null ? "" : " (SQLSTATE " + state + ")")
                + ": "
                + deepest.getMessage();
    }
}
