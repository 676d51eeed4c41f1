package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The official TransactionMQProducer against a real Halfmoon: commit, rollback, check-backs, give-up, duplicates. */
@Timeout(180)
class TransactionsTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    final List<Runnable> closers = new ArrayList<>();
    final Map<String, Integer> consumed = new ConcurrentHashMap<>();
    final Map<String, Long> halfOffsets = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        halfmoon = new HalfmoonFixture(dir).set("flushDiskType", "SYNC_FLUSH").set("transactionTimeOut", "1000")
                .set("transactionCheckInterval", "2000").set("transactionCheckMax", "3").start();
        Admin.createTopic(halfmoon, "Orders", 4);
        DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-orders");
        consumer.subscribe("Orders", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                consumed.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
                halfOffsets.put(new String(m.getBody(), StandardCharsets.UTF_8), m.getPreparedTransactionOffset());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        closers.add(consumer::shutdown);
    }

    @AfterEach
    void stop() {
        closers.forEach(Runnable::run);
        halfmoon.close();
    }

    /** A started transaction producer whose local transaction and check answers come from the functions given. */
    TransactionMQProducer producer(String group, Function<Message, LocalTransactionState> local,
                                   Function<MessageExt, LocalTransactionState> check) throws Exception {
        TransactionMQProducer p = Clients.transactionProducer(halfmoon.namesrv(), group);
        p.setTransactionListener(Clients.listener(local, check));
        p.start();
        closers.add(0, p::shutdown);
        return p;
    }

    static String body(Message m) {
        return new String(m.getBody(), StandardCharsets.UTF_8);
    }

    static LocalTransactionState byPrefix(String body) {
        return body.startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE
                : body.startsWith("rollback") ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.UNKNOW;
    }

    @Test
    void commitIsConsumedOnceRollbackNeverAndUnknownIsSettledByCheckBack() throws Exception {
        List<String> checked = new CopyOnWriteArrayList<>();
        TransactionMQProducer p = producer("PG-tx", m -> byPrefix(body(m)), m -> {
            checked.add(body(m));
            return body(m).contains("later-commit") ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
        });
        for (String b : List.of("commit-1", "rollback-1", "unknown-later-commit", "unknown-later-rollback")) {
            TransactionSendResult r = p.sendMessageInTransaction(new Message("Orders", b.getBytes()), null);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> consumed.containsKey("unknown-later-commit")
                && checked.contains("unknown-later-rollback"));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(Map.of("commit-1", 1, "unknown-later-commit", 1), consumed);
        assertTrue(checked.stream().noneMatch(b -> b.startsWith("commit") || b.startsWith("rollback")),
                "resolved transactions were checked: " + checked);
        assertEquals(0, halfmoon.running.broker().transactions().index().size());
    }

    @Test
    void aNewInstanceOfTheGroupAnswersWhenTheSenderIsGone() throws Exception {
        TransactionMQProducer first = producer("PG-handover", m -> LocalTransactionState.UNKNOW, m -> LocalTransactionState.UNKNOW);
        first.sendMessageInTransaction(new Message("Orders", "handed-over".getBytes()), null);
        first.shutdown();
        TransactionMQProducer second = producer("PG-handover", m -> LocalTransactionState.COMMIT_MESSAGE,
                m -> LocalTransactionState.COMMIT_MESSAGE);
        // like any producer, it heartbeats only to brokers it has a route to: its first send gives it one
        second.sendMessageInTransaction(new Message("Orders", "second-instance-warm-up".getBytes()), null);
        await().atMost(Duration.ofSeconds(20)).until(() -> consumed.containsKey("handed-over"));
        assertEquals(1, consumed.get("handed-over"));
    }

    @Test
    void afterTheLastCheckTheTransactionIsGivenUpAndKeptForInspection() throws Exception {
        List<Long> checks = new CopyOnWriteArrayList<>();
        TransactionMQProducer p = producer("PG-silent", m -> LocalTransactionState.UNKNOW, m -> {
            checks.add(System.currentTimeMillis());
            return LocalTransactionState.UNKNOW;
        });
        Message m = new Message("Orders", "never-decided".getBytes());
        m.putUserProperty("CHECK_IMMUNITY_TIME_IN_SECONDS", "2");
        long sent = System.currentTimeMillis();
        p.sendMessageInTransaction(m, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> halfmoon.running.broker().transactions().index().size() == 0);
        assertEquals(3, checks.size());
        assertTrue(checks.get(0) >= sent + 2000, "immunity not respected: " + (checks.get(0) - sent) + " ms");
        assertTrue(halfmoon.running.broker().store().maxQueueOffset("TRANS_CHECK_MAX_TIME_TOPIC", 0) == 1);
        assertTrue(consumed.isEmpty());
    }

    /** mqadmin updateBrokerConfig: the transaction settings change for the transactions that come after. */
    @Test
    void anOperatorChangesTheCheckSettingsWhileTheBrokerRuns() throws Exception {
        try (RemotingClient client = new RemotingClient("operator")) {
            RemotingCommand r = client.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.UPDATE_BROKER_CONFIG, null, "transactionTimeOut=4000\ntransactionCheckMax=1\n"
                            .getBytes(StandardCharsets.UTF_8)), 5000);
            assertEquals(0, r.code(), r.remark());
            RemotingCommand refused = client.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.UPDATE_BROKER_CONFIG, null, "transactionCheckMax=0\n".getBytes(StandardCharsets.UTF_8)), 5000);
            assertTrue(refused.code() != 0 && refused.remark().contains("transactionCheckMax"), refused.remark());
        }
        List<Long> checks = new CopyOnWriteArrayList<>();
        TransactionMQProducer p = producer("PG-retuned", m -> LocalTransactionState.UNKNOW, m -> {
            checks.add(System.currentTimeMillis());
            return LocalTransactionState.UNKNOW;
        });
        long sent = System.currentTimeMillis();
        p.sendMessageInTransaction(new Message("Orders", "retuned".getBytes()), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> halfmoon.running.broker().transactions().index().size() == 0);
        assertEquals(1, checks.size(), "given up after the one check now allowed");
        assertTrue(checks.get(0) >= sent + 4000, "checked before the new timeout: " + (checks.get(0) - sent) + " ms");
        assertTrue(consumed.isEmpty());
    }

    @Test
    void manyConcurrentTransactionsWithDuplicateEndsDeliverExactlyTheCommittedOnce() throws Exception {
        Set<String> committed = ConcurrentHashMap.newKeySet();
        TransactionMQProducer p = producer("PG-many", m -> {
            String b = body(m);
            int n = Integer.parseInt(b.substring(b.indexOf('-') + 1));
            if (n % 10 == 0) {
                return LocalTransactionState.UNKNOW;
            }
            if (n % 10 == 1) {
                return LocalTransactionState.ROLLBACK_MESSAGE;
            }
            committed.add(b);
            return LocalTransactionState.COMMIT_MESSAGE;
        }, m -> {
            String b = body(m);
            int n = Integer.parseInt(b.substring(b.indexOf('-') + 1));
            if (n % 20 == 0) {
                committed.add(b);
                return LocalTransactionState.COMMIT_MESSAGE;
            }
            return LocalTransactionState.ROLLBACK_MESSAGE;
        });
        int total = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<TransactionSendResult> results = new CopyOnWriteArrayList<>();
        for (int i = 0; i < total; i++) {
            String b = "tx-" + i;
            pool.submit(() -> {
                results.add(p.sendMessageInTransaction(new Message("Orders", b.getBytes()), null));
                return null;
            });
        }
        pool.shutdown();
        await().atMost(Duration.ofSeconds(60)).until(pool::isTerminated);
        assertEquals(total, results.size());

        await().atMost(Duration.ofSeconds(60)).until(() -> halfmoon.running.broker().transactions().index().size() == 0
                && consumed.keySet().containsAll(committed));
        try (RemotingClient raw = new RemotingClient("duplicate-ends")) {
            for (long halfOffset : halfOffsets.values().stream().limit(300).toList()) {
                for (String type : List.of("8", "12", "8")) {
                    raw.invokeOneway(halfmoon.brokerAddress(), RemotingCommand.request(RequestCode.END_TRANSACTION, Map.of(
                            "producerGroup", "PG-many", "tranStateTableOffset", "0", "commitLogOffset", Long.toString(halfOffset),
                            "commitOrRollback", type, "fromTransactionCheck", "true"), null)).join();
                }
            }
        }
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(committed, new HashSet<>(consumed.keySet()));
        consumed.forEach((b, n) -> assertEquals(1, n, b + " delivered " + n + " times"));
        assertEquals(total - total / 10 - total / 10 + total / 20, committed.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void operatorsCanDescribeAndResolveAPendingTransactionOverTheWire() throws Exception {
        TransactionMQProducer p = producer("PG-ops", m -> LocalTransactionState.UNKNOW, m -> LocalTransactionState.UNKNOW);
        TransactionSendResult sent = p.sendMessageInTransaction(new Message("Orders", "operator-commits".getBytes()), null);
        String id = sent.getTransactionId();
        try (RemotingClient raw = new RemotingClient("ops")) {
            RemotingCommand described = raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.HM_DESCRIBE_TRANSACTION, Map.of("id", id), null), 5000);
            assertEquals(0, described.code(), described.remark());
            Map<String, Object> view = dev.halfmoon.remoting.Json.decode(described.body(), Map.class);
            assertEquals("PG-ops", view.get("producerGroup"));
            assertEquals("Orders", view.get("topic"));
            assertEquals("PENDING", view.get("state"));

            RemotingCommand resolved = raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.HM_RESOLVE_TRANSACTION, Map.of("id", id, "decision", "COMMIT"), null), 5000);
            assertEquals(0, resolved.code(), resolved.remark());
            await().atMost(Duration.ofSeconds(20)).until(() -> consumed.containsKey("operator-commits"));
            RemotingCommand again = raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.HM_RESOLVE_TRANSACTION, Map.of("id", id, "decision", "ROLLBACK"), null), 5000);
            assertTrue(again.code() != 0 && again.remark() != null, "second resolution was accepted");
            RemotingCommand gone = raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.HM_DESCRIBE_TRANSACTION, Map.of("id", id), null), 5000);
            assertEquals(22, gone.code());
        }
        assertEquals(1, consumed.get("operator-commits"));
    }
}
