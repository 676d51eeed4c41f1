package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real kill -9 of a broker process (SYNC_FLUSH) with transactions pending, then a restart on the same data. */
@Tag("slow")
@Timeout(180)
class KillNineTest {
    @TempDir
    Path dir;

    @Test
    void pendingTransactionsSurviveKillNineAndSettleAfterRestart() throws Exception {
        List<String> settings = List.of("flushDiskType=SYNC_FLUSH", "transactionTimeOut=1000",
                "transactionCheckInterval=2000", "registerNameServerPeriod=1000");
        HalfmoonProcess broker = HalfmoonProcess.start(dir, settings);
        Admin.createTopic(broker.broker(), broker.namesrv(), "Payments", 2);
        Map<String, Integer> consumed = new ConcurrentHashMap<>();
        AtomicBoolean answering = new AtomicBoolean(false);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        TransactionMQProducer producer = Clients.transactionProducer(broker.namesrv(), "PG-crash");
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                String b = new String(msg.getBody(), StandardCharsets.UTF_8);
                if (b.startsWith("commit")) {
                    expected.add(b);
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
                return b.startsWith("rollback") ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.UNKNOW;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                if (!answering.get()) {
                    return LocalTransactionState.UNKNOW;
                }
                String b = new String(msg.getBody(), StandardCharsets.UTF_8);
                return b.endsWith("-even") ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            }
        });
        producer.start();
        DefaultMQPushConsumer consumer = Clients.pushConsumer(broker.namesrv(), "CG-crash");
        consumer.subscribe("Payments", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                consumed.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            for (int i = 0; i < 30; i++) {
                producer.sendMessageInTransaction(new Message("Payments", ("commit-" + i).getBytes()), null);
                producer.sendMessageInTransaction(new Message("Payments", ("rollback-" + i).getBytes()), null);
                String unknown = "unknown-" + i + (i % 2 == 0 ? "-even" : "-odd");
                producer.sendMessageInTransaction(new Message("Payments", unknown.getBytes()), null);
                if (i % 2 == 0) {
                    expected.add(unknown);
                }
            }
            String brokerAddress = broker.broker();
            await().atMost(Duration.ofSeconds(20)).until(() -> Admin.pendingTransactionIds(brokerAddress).size() == 30);
            Set<String> pendingBefore = Admin.pendingTransactionIds(brokerAddress);

            broker.kill();
            broker = HalfmoonProcess.start(dir, broker.namesrvPort(), broker.brokerPort(), settings);

            assertEquals(pendingBefore, Admin.pendingTransactionIds(broker.broker()));
            answering.set(true);
            HalfmoonProcess restarted = broker;
            await().atMost(Duration.ofSeconds(60)).until(() -> Admin.pendingTransactionIds(restarted.broker()).isEmpty()
                    && consumed.keySet().containsAll(expected));
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertEquals(expected, new HashSet<>(consumed.keySet()));
            assertFalse(consumed.keySet().stream().anyMatch(b -> b.startsWith("rollback") || b.endsWith("-odd")));
            consumed.forEach((b, n) -> assertEquals(1, n, b + " delivered " + n + " times"));
        } finally {
            producer.shutdown();
            consumer.shutdown();
            broker.close();
        }
    }
}
