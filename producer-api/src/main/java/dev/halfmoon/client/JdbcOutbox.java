package dev.halfmoon.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transaction checker that needs no application code: the local transaction and a row in a small
 * outbox table commit in the same JDBC transaction, so a check-back only has to look the row up.
 *
 * <ul>
 *   <li>{@link #listener()}'s {@code executeLocal(message, work)} opens a connection from the
 *       {@code DataSource}, turns auto-commit off, runs your {@link Work}, inserts
 *       {@code (transaction id, now)} into the outbox table and commits. A {@link Work} that throws
 *       rolls everything back: ROLLBACK. A failure during the commit itself answers UNKNOWN (it may
 *       or may not have committed; the check-back finds out).</li>
 *   <li>Its {@code check(message)} answers COMMIT if the row says so; if there is no row, once the
 *       message is older than the local transaction deadline it inserts a rolled-back row and answers
 *       ROLLBACK, else UNKNOWN (it may still be running). The rolled-back row takes the key the local
 *       transaction would insert: a local transaction still running then fails on it and rolls back, so
 *       the database and the broker never disagree, however long it ran (the database decides who was
 *       first).</li>
 * </ul>
 *
 * <p>Schema (created on demand by {@link #create}, and the outcome column added to a table made by an
 * earlier version; any database with standard SQL):
 * <pre>
 * CREATE TABLE halfmoon_outbox (txn_id VARCHAR(128) PRIMARY KEY, created_at TIMESTAMP NOT NULL,
 *                               outcome CHAR(1) DEFAULT 'C' NOT NULL)   -- C committed, R rolled back
 * CREATE INDEX halfmoon_outbox_created ON halfmoon_outbox (created_at)
 * </pre>
 * Rows older than the retention (7 days by default) are deleted hourly; a check-back for a message older than the
 * retention that finds no row answers UNKNOWN (and logs an error), never ROLLBACK. Checks read at READ COMMITTED or
 * stricter whatever the pool's default. Thread-safe.
 *
 * <pre>{@code
 * JdbcOutbox outbox = JdbcOutbox.create(dataSource);
 * TransactionProducer producer = TransactionProducer.start(options, "order-service", outbox.listener());
 * producer.sendInTransaction(message, (JdbcOutbox.Work) c -> {
 *     try (PreparedStatement s = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) { ... }
 * });
 * }</pre>
 */
public final class JdbcOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcOutbox.class);
    public static final String TABLE = "halfmoon_outbox";

    /** The application's part of a local transaction, run on the connection the outbox row commits with. */
    @FunctionalInterface
    public interface Work {
        void run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final Duration localDeadline;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService pruner;

    private JdbcOutbox(DataSource dataSource, Duration localDeadline, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.localDeadline = localDeadline;
        this.retention = retention;
        this.clock = clock;
        this.pruner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halfmoon-outbox-prune");
            t.setDaemon(true);
            return t;
        });
    }

    /** An outbox with a 10 s local transaction deadline and 7 days of retention; creates the table if needed. */
    public static JdbcOutbox create(DataSource dataSource) {
        return create(dataSource, Duration.ofSeconds(10), Duration.ofDays(7));
    }

    /**
     * @param localDeadline after this age a message without an outbox row is rolled back
     * @param retention     rows older than this are deleted; longer than {@code localDeadline}. A check-back for a
     *                      message older than this answers UNKNOWN when it finds no row (it may have been pruned)
     * @throws ClientException if the table cannot be created
     */
    public static JdbcOutbox create(DataSource dataSource, Duration localDeadline, Duration retention) {
        if (localDeadline.isNegative() || localDeadline.isZero() || retention.compareTo(localDeadline) <= 0) {
            throw new IllegalArgumentException("the outbox needs a positive local deadline and a longer retention (it "
                    + "was given " + localDeadline + " and " + retention + "): a check finding no row must tell a "
                    + "transaction that never committed from a row already pruned");
        }
        JdbcOutbox outbox = new JdbcOutbox(Objects.requireNonNull(dataSource), localDeadline, retention, Clock.systemUTC());
        outbox.createSchema();
        outbox.pruner.scheduleWithFixedDelay(outbox::pruneQuietly, 1, 60, TimeUnit.MINUTES);
        return outbox;
    }

    private void createSchema() {
        try {
            autoCommitted(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (txn_id VARCHAR(128) PRIMARY KEY, created_at "
                            + "TIMESTAMP NOT NULL, outcome CHAR(1) DEFAULT 'C' NOT NULL)");
                    s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_created ON " + TABLE + " (created_at)");
                    if (!hasOutcomeColumn(c)) { // a table made before rolled-back rows existed
                        s.execute("ALTER TABLE " + TABLE + " ADD COLUMN outcome CHAR(1) DEFAULT 'C' NOT NULL");
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new ClientException("cannot create the outbox table " + TABLE + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasOutcomeColumn(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + TABLE + " WHERE 1 = 0")) {
            java.sql.ResultSetMetaData columns = r.getMetaData();
            for (int i = 1; i <= columns.getColumnCount(); i++) {
                if ("outcome".equalsIgnoreCase(columns.getColumnName(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The transaction listener: {@code arg} of {@code sendInTransaction} must be a {@link Work}. */
    public TransactionListener listener() {
        return new TransactionListener() {
            @Override
            public void checkArgument(Object arg) {
                if (!(arg instanceof Work)) {
                    throw new IllegalArgumentException("with the JDBC outbox, pass a JdbcOutbox.Work as the argument of "
                            + "sendInTransaction (it was " + (arg == null ? "null" : arg.getClass().getName()) + ")");
                }
            }

            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                checkArgument(arg);
                return run(message.transactionId(), (Work) arg);
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return JdbcOutbox.this.check(message.transactionId(), message.bornTimestamp());
            }
        };
    }

    /**
     * Runs {@code work} and records {@code transactionId} in one JDBC transaction.
     *
     * @return COMMIT if both committed, ROLLBACK if the work failed (nothing committed), UNKNOWN if the
     *         commit itself failed
     */
    public TransactionOutcome run(String transactionId, Work work) {
        boolean committed = false;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                insert(c, transactionId, "C"); // fails if a check-back already rolled the transaction back
            } catch (Exception e) { // (a checked one thrown sneakily too: some drivers commit an open one on close)
                c.rollback();
                c.setAutoCommit(autoCommit);
                LOG.warn("local transaction {} rolled back, its work failed: {}", transactionId, e.toString());
                return TransactionOutcome.ROLLBACK;
            } catch (Error e) { // (never leave an open transaction to a pool that may commit it on close)
                try {
                    c.rollback();
                } catch (SQLException failed) {
                    e.addSuppressed(failed);
                }
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                LOG.warn("commit of local transaction {} failed; outcome UNKNOWN until checked", transactionId, e);
                try {
                    c.rollback();
                    c.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // the connection is broken; the pool will find out
                }
                return TransactionOutcome.UNKNOWN;
            }
            committed = true; // from here on the answer is COMMIT, whatever restoring or closing the connection throws
            c.setAutoCommit(autoCommit);
            return TransactionOutcome.COMMIT;
        } catch (SQLException e) {
            if (committed) {
                LOG.warn("local transaction {} committed; the connection failed afterwards: {}", transactionId,
                        e.getMessage());
                return TransactionOutcome.COMMIT;
            }
            LOG.warn("local transaction {} could not start: {}", transactionId, e.getMessage());
            return TransactionOutcome.ROLLBACK;
        }
    }

    /** The check-back answer for {@code transactionId} of a message born at {@code bornTimestamp}. */
    public TransactionOutcome check(String transactionId, long bornTimestamp) {
        try {
            return autoCommitted(c -> {
                TransactionOutcome recorded = recorded(c, transactionId);
                if (recorded != null) {
                    return recorded;
                }
                long age = clock.millis() - bornTimestamp;
                if (age <= localDeadline.toMillis()) {
                    return TransactionOutcome.UNKNOWN; // it may still be running
                }
                if (age >= retention.toMillis()) { // its row, if it ever had one, may have been pruned: never guess
                    LOG.error("transaction {} is {} old, past the outbox's {} retention, and has no row: it may have "
                            + "committed and its row been pruned, so it is left UNKNOWN (resolve it by hand: "
                            + "halfmoon-admin pending commit/rollback)", transactionId, Duration.ofMillis(age), retention);
                    return TransactionOutcome.UNKNOWN;
                }
                try {
                    // committed as it is written: the local transaction's own insert now fails. A pool handing out
                    // connections with auto-commit off must not roll this row back after ROLLBACK was answered.
                    insert(c, transactionId, "R");
                    LOG.info("transaction {} has no outbox row after the {} deadline: rolled back", transactionId,
                            localDeadline);
                    return TransactionOutcome.ROLLBACK;
                } catch (SQLException e) { // it committed (or another check answered) first: ask the row again
                    TransactionOutcome now = recorded(c, transactionId);
                    return now != null ? now : TransactionOutcome.UNKNOWN;
                }
            });
        } catch (SQLException e) {
            LOG.warn("cannot check transaction {}: {}", transactionId, e.getMessage());
            return TransactionOutcome.UNKNOWN;
        }
    }

    private static TransactionOutcome recorded(Connection c, String transactionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT outcome FROM " + TABLE + " WHERE txn_id = ?")) {
            s.setString(1, transactionId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return "R".equals(r.getString(1)) ? TransactionOutcome.ROLLBACK : TransactionOutcome.COMMIT;
            }
        }
    }

    private void insert(Connection c, String transactionId, String outcome) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (txn_id, created_at, outcome) VALUES (?, ?, ?)")) {
            s.setString(1, transactionId);
            s.setTimestamp(2, new Timestamp(clock.millis()));
            s.setString(3, outcome);
            s.executeUpdate();
        }
    }

    /** Deletes rows older than the retention; returns how many. */
    public int prune() throws SQLException {
        return autoCommitted(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE created_at < ?")) {
                s.setTimestamp(1, new Timestamp(clock.millis() - retention.toMillis()));
                return s.executeUpdate();
            }
        });
    }

    /** Statements against one connection. */
    private interface Statements<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code statements} on a pooled connection in auto-commit mode, each committed as it runs, whatever mode the
     * pool hands connections out in (HikariCP and Spring setups often turn it off); the mode is restored after.
     */
    private <T> T autoCommitted(Statements<T> statements) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            if (!autoCommit) {
                c.setAutoCommit(true);
            }
            // a check must never see a local transaction's row before it commits (READ UNCOMMITTED would answer
            // COMMIT for one whose commit then fails)
            boolean raised = isolation == Connection.TRANSACTION_READ_UNCOMMITTED && readCommitted(c);
            T result;
            try {
                result = statements.run(c);
            } finally {
                restore(c, raised, isolation, autoCommit);
            }
            return result;
        }
    }

    /** Raises {@code c} to READ COMMITTED; false if its driver cannot (it is used as it is, with a warning). */
    private static boolean readCommitted(Connection c) {
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return true;
        } catch (SQLException e) {
            LOG.warn("the outbox's connection reads uncommitted rows and cannot be set to READ COMMITTED ({}): a "
                    + "check may answer COMMIT for a local transaction whose commit then fails", e.getMessage());
            return false;
        }
    }

    /** Puts the pool's settings back; a failure doing so is logged, not thrown over the statements' result. */
    private static void restore(Connection c, boolean raised, int isolation, boolean autoCommit) {
        try {
            if (raised) {
                c.setTransactionIsolation(isolation);
            }
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            LOG.warn("cannot restore the outbox connection's settings: {}", e.getMessage());
        }
    }

    private void pruneQuietly() {
        try {
            int n = prune();
            if (n > 0) {
                LOG.info("pruned {} outbox rows older than {}", n, retention);
            }
        } catch (SQLException e) {
            LOG.warn("outbox pruning failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        pruner.shutdownNow();
    }
}
