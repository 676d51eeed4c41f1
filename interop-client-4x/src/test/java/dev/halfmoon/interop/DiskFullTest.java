package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk seen through the official client, using a configured usage limit below what the disk
 * already uses (the real ENOSPC case is tested in core-log): sends are refused with a clear error,
 * consumers keep reading what is stored, and sends work again once there is room.
 */
@Timeout(120)
class DiskFullTest {
    @TempDir
    Path dir;

    private static Message message(String body) {
        return new Message("Ledger", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFullDiskRefusesSendsClearlyWhileReadsGoOnAndSendsResumeWithRoom() throws Exception {
        HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start();
        try {
            Admin.createTopic(halfmoon, "Ledger", 2);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-ledger");
            producer.setRetryTimesWhenSendFailed(0);
            producer.start();
            for (int i = 0; i < 5; i++) {
                producer.send(message("before-" + i));
            }
            producer.shutdown();

            halfmoon.set("diskSpaceWarningLevelRatio", "0.01").restart();
            DefaultMQProducer refused = Clients.producer(halfmoon.namesrv(), "PG-ledger");
            refused.setRetryTimesWhenSendFailed(0);
            refused.start();
            Set<String> read = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-ledger");
            consumer.subscribe("Ledger", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> read.add(new String(m.getBody(), StandardCharsets.UTF_8)));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                Exception e = assertThrows(Exception.class, () -> refused.send(message("during")));
                Throwable t = e;
                while (t != null && !(t instanceof MQBrokerException)) {
                    t = t.getCause();
                }
                assertTrue(t != null && t.getMessage().contains("disk is too full"), String.valueOf(e));
                await().atMost(Duration.ofSeconds(30)).until(() -> read.size() == 5);
            } finally {
                consumer.shutdown();
                refused.shutdown();
            }

            halfmoon.set("diskSpaceWarningLevelRatio", "0.90").restart();
            DefaultMQProducer again = Clients.producer(halfmoon.namesrv(), "PG-ledger");
            again.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try {
                        return again.send(message("after")).getSendStatus() == SendStatus.SEND_OK;
                    } catch (Exception ex) {
                        return false;
                    }
                });
            } finally {
                again.shutdown();
            }
            assertEquals(5, read.size());
        } finally {
            halfmoon.close();
        }
    }

    /**
     * The producer's commit of a transaction meets a full disk (at its check-back): the transaction stays pending, the
     * check-backs that could not be recorded are not counted against transactionCheckMax (2 here: counted, it would
     * have been given up) and come again without hammering, and once there is room the next answer commits it,
     * delivered once.
     */
    @Test
    @SuppressWarnings("deprecation") // (the client's heartbeat, called now: a restarted broker learns the producer)
    void aCommitThatMeetsAFullDiskStaysPendingUncountedAndLandsOnceThereIsRoom() throws Exception {
        HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("transactionTimeOut", "3000")
                .set("transactionCheckInterval", "3000").set("transactionCheckMax", "2").start(); // (no check before the restart)
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.rocketmq.client.producer.TransactionMQProducer producer = Clients.transactionProducer(
                halfmoon.namesrv(), "PG-ledger-tx");
        try {
            Admin.createTopic(halfmoon, "Ledger", 1);
            producer.setTransactionListener(Clients.listener(m -> org.apache.rocketmq.client.producer.LocalTransactionState.UNKNOW,
                    m -> {
                        checks.incrementAndGet();
                        return org.apache.rocketmq.client.producer.LocalTransactionState.COMMIT_MESSAGE;
                    }));
            halfmoon.set("diskSpaceWarningLevelRatio", "0.01"); // (from the next start: the half is stored first)
            producer.start();
            producer.sendMessageInTransaction(message("paid"), null);
            halfmoon.restart();
            producer.getDefaultMQProducerImpl().getmQClientFactory().sendHeartbeatToAllBrokerWithLock();

            // check-backs come and are answered COMMIT, which the full disk refuses: still pending, and asked again
            await().atMost(Duration.ofSeconds(40)).until(() -> checks.get() >= 3);
            assertEquals(1, Admin.pendingTransactionIds(halfmoon.brokerAddress()).size(),
                    "pending after " + checks.get() + " checks that could not be recorded");

            Set<String> read = ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();
            halfmoon.set("diskSpaceWarningLevelRatio", "0.90").restart();
            producer.getDefaultMQProducerImpl().getmQClientFactory().sendHeartbeatToAllBrokerWithLock();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-ledger-tx");
            consumer.subscribe("Ledger", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> {
                    read.add(new String(m.getBody(), StandardCharsets.UTF_8));
                    deliveries.incrementAndGet();
                });
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                await().atMost(Duration.ofSeconds(40)).until(() -> read.contains("paid"));
                await().atMost(Duration.ofSeconds(10)).until(() -> Admin.pendingTransactionIds(halfmoon.brokerAddress()).isEmpty());
                assertEquals(1, deliveries.get(), "delivered once");
            } finally {
                consumer.shutdown();
            }
        } finally {
            producer.shutdown();
            halfmoon.close();
        }
    }
}
