package dev.halfmoon.samples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** One service's own embedded SQL database (H2, in memory), with a few helpers for the demo. Thread-safe. */
final class Database {
    private final String name;
    private final JdbcDataSource dataSource = new JdbcDataSource();

    Database(String name, String... ddl) {
        this.name = name;
        dataSource.setURL("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : ddl) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up database " + name, e);
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    String name() {
        return name;
    }

    /** Rows of a query, each a column → value map. */
    List<Map<String, Object>> rows(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(), r.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query on " + name + " failed: " + sql, e);
        }
    }

    /** The values of the first column. */
    Set<String> ids(String sql) {
        Set<String> ids = new TreeSet<>();
        rows(sql).forEach(r -> ids.add(String.valueOf(r.values().iterator().next())));
        return ids;
    }

    /** A table printed for people: a header line, then one line per row. */
    String table(String title, String sql) {
        List<Map<String, Object>> rows = rows(sql);
        StringBuilder out = new StringBuilder("      ").append(title).append('\n');
        if (rows.isEmpty()) {
            return out.append("        (empty)\n").toString();
        }
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        out.append("        ");
        columns.forEach(col -> out.append(String.format("%-16s", col)));
        out.append('\n');
        for (Map<String, Object> row : rows) {
            out.append("        ");
            columns.forEach(col -> out.append(String.format("%-16s", row.get(col))));
            out.append('\n');
        }
        return out.toString();
    }

    /** Runs {@code update} once per event id: false if that event was processed before (nothing changes). */
    boolean once(String eventId, SqlWork update) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement seen = c.prepareStatement("INSERT INTO processed_events (event_id) VALUES (?)")) {
                seen.setString(1, eventId);
                seen.executeUpdate();
            } catch (SQLException e) {
                c.rollback();
                if (isDuplicateKey(e) && processed(c, eventId)) {
                    return false;
                }
                throw e; // a lock timeout, a full disk...: not processed; the message is delivered again
            }
            try {
                update.run(c);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Whether {@code eventId} is recorded as processed (a constraint failure is a duplicate only then). */
    private static boolean processed(Connection c, String eventId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM processed_events WHERE event_id = ?")) {
            s.setString(1, eventId);
            try (java.sql.ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * An integrity-constraint violation (SQLState class 23): a unique key, but also a NOT NULL, CHECK or foreign key
     * one, so {@link #once} takes it for a duplicate only if the event's row is there.
     */
    static boolean isDuplicateKey(SQLException e) {
        return e instanceof java.sql.SQLIntegrityConstraintViolationException
                || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
    }

    /** Work on a connection. */
    @FunctionalInterface
    interface SqlWork {
        void run(Connection c) throws SQLException;
    }
}
