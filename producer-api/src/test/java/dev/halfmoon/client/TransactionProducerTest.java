package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
