package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class TransactionProducerTest extends ClientTestBase {
    static TransactionListener listener(java.util.function.Function<Message, TransactionOutcome> local,
                                        java.util.function.Function<MessageView, TransactionOutcome> check) {
        return new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                return local.apply(message);
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return check.apply(message);
            }
        };
    }

    @Test
    void commitRollbackAndUnknownSettledByCheckBack() {
        topic("Tx", 2);
        Map<String, Integer> seen = consume("CG-tx", "Tx", "*");
        List<String> checked = new CopyOnWriteArrayList<>();
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-tx", listener(m -> {
            String b = new String(m.body());
            if (b.startsWith("boom")) {
                throw new IllegalStateException("local transaction blew up");
            }
            return b.startsWith("commit") ? TransactionOutcome.COMMIT
                    : b.startsWith("rollback") ? TransactionOutcome.ROLLBACK : TransactionOutcome.UNKNOWN;
        }, m -> {
            checked.add(body(m));
            return body(m).equals("unknown-commit") || body(m).equals("boom-commit") ? TransactionOutcome.COMMIT
                    : TransactionOutcome.ROLLBACK;
        })));
        for (String b : List.of("commit", "rollback", "unknown-commit", "unknown-rollback", "boom-commit")) {
            TransactionReceipt r = producer.sendInTransaction(message("Tx", b), null);
            assertEquals(32, r.transactionId().length());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey("unknown-commit") && seen.containsKey("boom-commit")
                && checked.contains("unknown-rollback"));
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertEquals(Map.of("commit", 1, "unknown-commit", 1, "boom-commit", 1), seen);
        assertFalse(checked.contains("commit") || checked.contains("rollback"), "resolved transactions were checked");
    }

    /**
     * A local transaction that outlives its deadline, while a check-back answered ROLLBACK: its COMMIT comes too late,
     * and the receipt says so (RocketMQ's client sends the outcome oneway and cannot).
     */
    @Test
    void aCommitAfterACheckBackRolledTheTransactionBackIsReportedRefused() {
        topic("TxLate", 1);
        java.util.concurrent.atomic.AtomicReference<String> rolledBack = new java.util.concurrent.atomic.AtomicReference<>();
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-late", listener(m -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> m.transactionId().equals(rolledBack.get())
                    && !dev.halfmoon.testkit.Admin.pendingTransactionIds(halfmoon.brokerAddress()).contains(m.transactionId()));
            return TransactionOutcome.COMMIT;
        }, m -> {
            rolledBack.set(m.transactionId());
            return TransactionOutcome.ROLLBACK;
        })));
        TransactionReceipt r = producer.sendInTransaction(message("TxLate", "late"), null);
        assertEquals(TransactionReceipt.End.REFUSED, r.end(), r.brokerRemark());
        assertFalse(r.committed());
        assertTrue(r.brokerRemark().contains("rolled back"), r.brokerRemark());
    }

    /**
     * The instance that sent the half is connected but its checker hangs: the next check goes to another instance of
     * the group, which answers, rather than every check to the hung one until the transaction is given up.
     */
    @Test
    void aHungInstanceDoesNotGetEveryCheckOfItsTransactions() {
        topic("TxHung", 1);
        Map<String, Integer> seen = consume("CG-hung", "TxHung", "*");
        CountDownLatch hung = new CountDownLatch(1);
        try {
            TransactionProducer sender = track(TransactionProducer.start(options, "PG-hung", listener(
                    m -> TransactionOutcome.UNKNOWN, m -> {
                        try {
                            hung.await(); // a lock wait that never ends
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return TransactionOutcome.UNKNOWN;
                    })));
            track(TransactionProducer.start(options, "PG-hung", listener(m -> TransactionOutcome.UNKNOWN,
                    m -> TransactionOutcome.COMMIT)));
            sender.sendInTransaction(message("TxHung", "order"), null);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey("order"));
        } finally {
            hung.countDown();
        }
    }

    /**
     * With a check window of one, a check whose transaction an operator resolved meanwhile (no END comes on the
     * producer's connection) frees the producer's place at once, not after a minute.
     */
    @Test
    void aTransactionResolvedElsewhereFreesItsPlaceInTheCheckWindow() {
        halfmoon.close();
        halfmoon = new dev.halfmoon.testkit.HalfmoonFixture(dir.resolve("window")).set("transactionTimeOut", "1000")
                .set("transactionCheckInterval", "2000").set("transactionCheckWindow", "1").start();
        options = ClientOptions.of(halfmoon.namesrv()).withRefresh(Duration.ofMillis(500), Duration.ofMillis(500));
        topic("TxWindow", 1);
        Map<String, Integer> seen = consume("CG-window", "TxWindow", "*");
        CountDownLatch hung = new CountDownLatch(1);
        List<String> asked = new CopyOnWriteArrayList<>();
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-window", listener(
                m -> TransactionOutcome.UNKNOWN, m -> {
                    asked.add(body(m));
                    if (body(m).equals("first")) {
                        try {
                            hung.await(); // its checker is stuck on this one
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return TransactionOutcome.UNKNOWN;
                    }
                    return TransactionOutcome.COMMIT;
                })));
        try (dev.halfmoon.remoting.RemotingClient admin = new dev.halfmoon.remoting.RemotingClient("test-admin")) {
            String first = producer.sendInTransaction(message("TxWindow", "first"), null).transactionId();
            await().atMost(Duration.ofSeconds(30)).until(() -> asked.contains("first"));
            dev.halfmoon.remoting.RemotingCommand resolved = admin.invokeSync(halfmoon.brokerAddress(),
                    dev.halfmoon.remoting.RemotingCommand.request(dev.halfmoon.remoting.RequestCode.HM_RESOLVE_TRANSACTION,
                            Map.of("id", first, "decision", "COMMIT"), null), 5000);
            assertEquals(dev.halfmoon.remoting.ResponseCode.SUCCESS, resolved.code(), resolved.remark());

            producer.sendInTransaction(message("TxWindow", "second"), null);
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.containsKey("second"));
        } finally {
            hung.countDown();
        }
    }

    @Test
    void aSlowCheckerNeverBlocksSending() throws Exception {
        topic("Slow", 1);
        CountDownLatch release = new CountDownLatch(1);
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-slow", listener(m ->
                new String(m.body()).startsWith("pending") ? TransactionOutcome.UNKNOWN : TransactionOutcome.COMMIT, m -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return TransactionOutcome.COMMIT;
                })));
        for (int i = 0; i < 3; i++) {
            producer.sendInTransaction(message("Slow", "pending-" + i), null);
        }
        await().pollDelay(Duration.ofMillis(2500)).until(() -> true);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            producer.sendInTransaction(message("Slow", "fast-" + i), null);
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000, "sending was blocked by the checker");
        release.countDown();
    }

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
        TransactionProducer crashing = TransactionProducer.start(options, "PG-outbox", listener(m -> {
            outbox.run(m.transactionId(), c -> insertOrder(c, "order-3", 30));
            return TransactionOutcome.UNKNOWN;
        }, m -> TransactionOutcome.UNKNOWN));
        crashing.sendInTransaction(message("OrderCreated", "order-3"), null);
        crashing.close();

        // A half whose local transaction never ran at all: no row, rolled back once past the deadline.
        TransactionProducer silent = TransactionProducer.start(options, "PG-outbox", listener(m -> TransactionOutcome.UNKNOWN,
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
            throw TransactionProducerTest.<RuntimeException>sneaky(new java.io.IOException("the disk went away"));
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
