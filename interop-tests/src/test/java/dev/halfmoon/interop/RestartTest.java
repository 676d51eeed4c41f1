package dev.halfmoon.interop;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void aBrokerRestartUnderSyncFlushLosesNothingAcknowledgedAndConsumersCarryOn() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("flushDiskType", "SYNC_FLUSH").start()) {
            Admin.createTopic(halfmoon, "Durable", 2);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG");
            producer.setRetryTimesWhenSendFailed(5);
            producer.start();
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-durable");
            consumer.subscribe("Durable", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    seen.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                Set<String> acked = new HashSet<>();
                for (int i = 0; i < 50; i++) {
                    if (producer.send(new Message("Durable", ("before-" + i).getBytes())).getSendStatus() == SendStatus.SEND_OK) {
                        acked.add("before-" + i);
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.keySet().containsAll(acked));

                halfmoon.restart();

                for (int i = 0; i < 50; i++) {
                    String body = "after-" + i;
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                            producer.send(new Message("Durable", body.getBytes())).getSendStatus() == SendStatus.SEND_OK);
                    acked.add(body);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> seen.keySet().containsAll(acked));
                assertEquals(acked, seen.keySet());
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }
}
