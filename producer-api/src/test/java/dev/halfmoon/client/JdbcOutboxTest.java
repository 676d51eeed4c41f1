package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDBC outbox: the local transaction and its row commit together, and it answers check-backs by itself. */
@Timeout(120)
class JdbcOutboxTest extends ClientTestBase {
    static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A fresh in-memory database with an orders table whose amounts must be positive. */
    static JdbcDataSource ordersDatabase(String name) throws SQLException {
        JdbcDataSource ds = h2(name + System.nanoTime());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL CHECK (amount > 0))");
        }
        return ds;
    }

    static int orders(JdbcDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void theJdbcOutboxCommitsWithTheLocalTransactionAndAnswersCheckBacksByItself() throws Exception {
        topic("OrderCreated", 2);
        Map<String, Integer> seen = consume("CG-outbox", "OrderCreated", "*");
        JdbcDataSource ds = ordersDatabase("outbox-");
        JdbcOutbox outbox = track(JdbcOutbox.create(ds, Duration.ofSeconds(2), Duration.ofDays(7)));
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-outbox", outbox.listener()));

        TransactionReceipt ok = producer.sendInTransaction(message("OrderCreated", "order-1"),
                (JdbcOutbox.Work) c -> insertOrder(c, "order-1", 10));
        assertEquals(TransactionOutcome.COMMIT, ok.localOutcome());
        assertEquals(TransactionReceipt.End.APPLIED, ok.end(), ok.brokerRemark());
        assertTrue(ok.committed());
        TransactionReceipt bad = producer.sendInTransaction(message("OrderCreated", "order-2"),
                (JdbcOutbox.Work) c -> insertOrder(c, "order-2", -5));
        assertEquals(TransactionOutcome.ROLLBACK, bad.localOutcome());
        assertEquals(TransactionReceipt.End.APPLIED, bad.end(), bad.brokerRemark());
        assertEquals(1, orders(ds));

        // A producer that "crashes" after its database commit: the outbox row exists, the outcome never reaches the broker.
        TransactionProducer crashing = TransactionProducer.start(options, "PG-outbox", TransactionProducerTest.listener(m -> {
            outbox.run(m.transactionId(), c -> insertOrder(c, "order-3", 30));
            return TransactionOutcome.UNKNOWN;
        }, m -> TransactionOutcome.UNKNOWN));
        crashing.sendInTransaction(message("OrderCreated", "order-3"), null);
        crashing.close();

        // A half whose local transaction never ran at all: no row, rolled back once past the deadline.
        TransactionProducer silent = TransactionProducer.start(options, "PG-outbox", TransactionProducerTest.listener(m -> TransactionOutcome.UNKNOWN,
                m -> TransactionOutcome.UNKNOWN));
        silent.sendInTransaction(message("OrderCreated", "order-4"), null);
        silent.close();

        await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey("order-3")
                && halfmoon.running.broker().transactions().index().size() == 0);
        assertEquals(Map.of("order-1", 1, "order-3", 1), seen);
        assertEquals(2, orders(ds));
    }

    @Test
    void aLocalTransactionStillRunningWhenACheckBackAnsweredRollbackRollsBackToo() throws Exception {
        JdbcDataSource ds = ordersDatabase("late-");
        JdbcOutbox outbox = track(JdbcOutbox.create(ds, Duration.ofMillis(100), Duration.ofDays(7)));
        java.util.concurrent.CountDownLatch working = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<TransactionOutcome> local = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> outbox.run("tx-late", c -> {
                    insertOrder(c, "order-late", 10);
                    working.countDown();
                    try { // a lock wait, a slow statement: the local transaction outlives its deadline
                        answered.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertTrue(working.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(TransactionOutcome.ROLLBACK, outbox.check("tx-late", System.currentTimeMillis() - 1000));
        answered.countDown();

        assertEquals(TransactionOutcome.ROLLBACK, local.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "the database and the broker agree");
        assertEquals(0, orders(ds));
        assertEquals(TransactionOutcome.ROLLBACK, outbox.check("tx-late", System.currentTimeMillis() - 1000), "and stay so");
    }

    /** Work that throws a checked exception sneakily is rolled back, not left open to a connection that may commit it. */
    @Test
    void workThrowingACheckedExceptionSneakilyIsRolledBack() throws Exception {
        JdbcDataSource ds = ordersDatabase("sneaky-");
        JdbcOutbox outbox = track(JdbcOutbox.create(ds, Duration.ofSeconds(2), Duration.ofDays(7)));
        assertEquals(TransactionOutcome.ROLLBACK, outbox.run("tx-sneaky", c -> {
            insertOrder(c, "order-sneaky", 10);
            throw JdbcOutboxTest.<RuntimeException>sneaky(new java.io.IOException("the disk went away"));
        }));
        assertEquals(0, orders(ds));
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** The outbox listener takes a Work: anything else is refused before the half is sent, not rolled back later. */
    @Test
    void aWrongArgumentForTheOutboxIsRefusedBeforeAnythingIsSent() {
        topic("Outboxed", 1);
        JdbcOutbox outbox = track(JdbcOutbox.create(h2("wrong-arg-" + System.nanoTime()), Duration.ofSeconds(2),
                Duration.ofDays(7)));
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-outboxed", outbox.listener()));
        IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> producer.sendInTransaction(message("Outboxed", "x"), "not a Work"));
        assertTrue(wrong.getMessage().contains("JdbcOutbox.Work"), wrong.getMessage());
        assertEquals(0, halfmoon.running.broker().transactions().index().size(), "no half stored");
    }

    /**
     * A message older than the outbox's retention with no row may have committed and had its row pruned: the check
     * answers UNKNOWN (and logs an error), never ROLLBACK; within the retention, no row after the deadline is ROLLBACK.
     */
    @Test
    void aCheckPastTheRetentionFindingNoRowNeverAnswersRollback() throws Exception {
        JdbcDataSource ds = ordersDatabase("pruned-");
        JdbcOutbox outbox = track(JdbcOutbox.create(ds, Duration.ofMillis(100), Duration.ofSeconds(10)));
        long now = System.currentTimeMillis();
        assertEquals(TransactionOutcome.UNKNOWN, outbox.check("tx-ancient", now - 60_000));
        assertEquals(TransactionOutcome.UNKNOWN, outbox.check("tx-ancient", now - 60_000), "nothing was written for it");
        assertEquals(TransactionOutcome.ROLLBACK, outbox.check("tx-late", now - 1_000));
        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> JdbcOutbox.create(ds, Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertTrue(shorter.getMessage().contains("longer retention"), shorter.getMessage());
    }

    /** What a connection pool does to each connection it hands out. */
    interface PoolSetup {
        void apply(Connection c) throws SQLException;
    }

    /** A pool over {@code h2} handing out connections set up as some pools do (HikariCP, Spring). */
    static javax.sql.DataSource pool(JdbcDataSource h2, PoolSetup setup) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(javax.sql.DataSource.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (ds, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        Connection c = h2.getConnection();
                        setup.apply(c);
                        return c;
                    }
                    return m.invoke(h2, a);
                });
    }

    /** A pool handing out READ UNCOMMITTED connections: a check does not take a row not yet committed for COMMIT. */
    @Test
    void aCheckNeverSeesALocalTransactionsRowBeforeItCommits() throws Exception {
        JdbcDataSource h2 = ordersDatabase("dirty-read-");
        javax.sql.DataSource pool = pool(h2, c -> c.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED));
        JdbcOutbox outbox = track(JdbcOutbox.create(pool, Duration.ofSeconds(10), Duration.ofDays(7)));
        try (Connection local = h2.getConnection()) { // a local transaction between its outbox insert and its commit
            local.setAutoCommit(false);
            try (var insert = local.prepareStatement("INSERT INTO " + JdbcOutbox.TABLE + " (txn_id, created_at, outcome) "
                    + "VALUES ('tx-committing', CURRENT_TIMESTAMP, 'C')")) {
                insert.executeUpdate();
            }
            assertEquals(TransactionOutcome.UNKNOWN, outbox.check("tx-committing", System.currentTimeMillis()));
            try (Connection reader = pool.getConnection()) {
                assertEquals(Connection.TRANSACTION_READ_UNCOMMITTED, reader.getTransactionIsolation(), "the pool's own");
            }
            local.rollback(); // its commit failed
        }
    }

    /** Pools set up with auto-commit off (HikariCP autoCommit=false, common with Spring): the ROLLBACK row still holds. */
    @Test
    void aCheckBacksRollbackHoldsOnAPoolWhoseConnectionsHaveAutoCommitOff() throws Exception {
        JdbcDataSource h2 = ordersDatabase("no-autocommit-");
        javax.sql.DataSource pool = pool(h2, c -> c.setAutoCommit(false));
        JdbcOutbox outbox = track(JdbcOutbox.create(pool, Duration.ofMillis(100), Duration.ofDays(7)));
        assertEquals(TransactionOutcome.ROLLBACK, outbox.check("tx-slow", System.currentTimeMillis() - 1000));
        // the local transaction finishes after the answer: it must roll back, not commit an order the broker dropped
        assertEquals(TransactionOutcome.ROLLBACK, outbox.run("tx-slow", c -> insertOrder(c, "order-slow", 10)));
        assertEquals(0, orders(h2));
        assertEquals(TransactionOutcome.ROLLBACK, outbox.check("tx-slow", System.currentTimeMillis() - 1000), "and stay so");
        assertEquals(TransactionOutcome.COMMIT, outbox.run("tx-quick", c -> insertOrder(c, "order-quick", 10)));
        assertEquals(TransactionOutcome.COMMIT, outbox.check("tx-quick", System.currentTimeMillis()));
    }

    @Test
    void aConnectionFailingAfterTheCommitDoesNotTurnACommittedOutboxTransactionIntoARollback() throws Exception {
        JdbcDataSource h2 = ordersDatabase("after-commit-");
        // the database's connection drops right after COMMIT: restoring auto-commit and closing it both fail
        javax.sql.DataSource flaky = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                javax.sql.DataSource.class.getClassLoader(), new Class<?>[] {javax.sql.DataSource.class},
                (ds, m, a) -> m.getName().equals("getConnection") ? failingAfterCommit(h2.getConnection()) : m.invoke(h2, a));
        JdbcOutbox outbox = track(JdbcOutbox.create(h2, Duration.ofSeconds(2), Duration.ofDays(7)));
        JdbcOutbox onFlaky = track(JdbcOutbox.create(flaky, Duration.ofSeconds(2), Duration.ofDays(7)));

        assertEquals(TransactionOutcome.COMMIT, onFlaky.run("tx-1", c -> insertOrder(c, "order-1", 10)));
        assertEquals(1, orders(h2));
        assertEquals(TransactionOutcome.COMMIT, outbox.check("tx-1", System.currentTimeMillis()));
    }

    /** A connection whose every call after a commit fails, as when the network drops right after COMMIT. */
    static Connection failingAfterCommit(Connection real) {
        boolean[] committed = {false};
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (committed[0]) {
                        real.close();
                        throw new SQLException("connection reset");
                    }
                    try {
                        Object result = method.invoke(real, args);
                        committed[0] = method.getName().equals("commit");
                        return result;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static void insertOrder(Connection c, String id, int amount) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO orders (id, amount) VALUES (?, ?)")) {
            s.setString(1, id);
            s.setInt(2, amount);
            s.executeUpdate();
        }
    }
}
