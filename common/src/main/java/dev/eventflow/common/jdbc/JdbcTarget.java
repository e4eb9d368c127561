package dev.eventflow.common.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A PostgreSQL table to write to and how to reach it. The password is taken, in this order, from
 * {@code --jdbc-password} or from the environment variable {@code passwordEnv} of the process that
 * connects (so a TaskManager reads its own environment); {@link #toString} never shows it.
 */
public final class JdbcTarget implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final String table;
    private final String user;
    private final String passwordEnv;
    private final String password;

    public JdbcTarget(String url, String table, String user, String passwordEnv, String password) {
        this.url = url;
        this.table = table;
        this.user = user;
        this.passwordEnv = passwordEnv;
        this.password = password;
    }

    public String url() {
        return url;
    }

    /** The URL with any {@code password=} parameter masked, for messages. */
    public String safeUrl() {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    public String table() {
        return table;
    }

    /** A new connection (auto-commit on); the caller closes it. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        String secret = password != null ? password : System.getenv(passwordEnv);
        if (secret != null) p.setProperty("password", secret);
        p.setProperty("ApplicationName", "eventflow");
        // A dead server must fail a flush in bounded time, not hang a checkpoint.
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "120");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }

    /** The URL, table and user; never the password. */
    @Override
    public String toString() {
        return table + " at " + safeUrl() + (user == null ? "" : " as " + user);
    }
}
