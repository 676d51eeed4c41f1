package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * More check-backs fall due at once than the producer can queue. The official client runs them on one thread
 * behind a bounded queue and drops, unanswered, what does not fit: a broker that sent them all would count
 * the dropped ones and give their transactions up (roll back what the application committed). The broker
 * keeps at most transactionCheckWindow checks unanswered per producer connection.
 */
@Timeout(120)
class CheckBackFloodTest {
    static final int TRANSACTIONS = 600;

    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    TransactionMQProducer producer;
    DefaultMQPushConsumer consumer;
    ThreadPoolExecutor checks;

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (consumer != null) {
            consumer.shutdown();
        }
        if (checks != null) {
            checks.shutdownNow();
        }
        halfmoon.close();
    }

    @Test
    void aProducerThatAnswersSlowlyBehindASmallQueueLosesNoCommittedTransaction() throws Exception {
        halfmoon = new HalfmoonFixture(dir).set("transactionTimeOut", "500").set("transactionCheckInterval", "500")
                .set("transactionCheckMax", "3").set("transactionCheckWindow", "50").start();
        Admin.createTopic(halfmoon, "Orders", 4);
        Map<String, Integer> consumed = new ConcurrentHashMap<>();
        consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-flood");
        consumer.subscribe("Orders", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> consumed.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        producer = Clients.transactionProducer(halfmoon.namesrv(), "PG-flood");
        // the client's own check executor, with a queue of 100 instead of 2 000 so that the test stays small
        checks = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(100));
        producer.setExecutorService(checks);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.UNKNOW; // settled by the check-back
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                try {
                    Thread.sleep(10); // the application looks its order up: about 100 checks a second
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        producer.start();
        for (int i = 0; i < TRANSACTIONS; i++) {
            producer.sendMessageInTransaction(new Message("Orders", ("order-" + i).getBytes(StandardCharsets.UTF_8)), null);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> consumed.size() == TRANSACTIONS);
        assertEquals(TRANSACTIONS, consumed.values().stream().mapToInt(Integer::intValue).sum(), "each once");
    }
}
