package dev.halfmoon.interop;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SendAndConsumeTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        halfmoon = new HalfmoonFixture(dir).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        halfmoon.close();
    }

    DefaultMQProducer producer(String group) throws Exception {
        DefaultMQProducer p = Clients.producer(halfmoon.namesrv(), group);
        p.start();
        clients.add(p::shutdown);
        return p;
    }

    /** A push consumer recording each message body it sees (and how often). */
    Map<String, Integer> consume(String group, String topic, String tags) throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(halfmoon.namesrv(), group);
        c.subscribe(topic, tags);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                seen.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        clients.add(c::shutdown);
        return seen;
    }

    @Test
    void syncAsyncOnewayAndBatchSendsAreAllConsumedOnce() throws Exception {
        Admin.createTopic(halfmoon, "Orders", 4);
        DefaultMQProducer producer = producer("PG");
        Set<String> sent = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            SendResult r = producer.send(new Message("Orders", "TagA", ("sync-" + i).getBytes()));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus());
            assertNotNull(r.getOffsetMsgId());
            assertEquals(32, r.getOffsetMsgId().length());
            sent.add("sync-" + i);
        }
        CountDownLatch async = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            String body = "async-" + i;
            producer.send(new Message("Orders", "TagA", body.getBytes()), new SendCallback() {
                @Override
                public void onSuccess(SendResult sendResult) {
                    sent.add(body);
                    async.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    e.printStackTrace();
                }
            });
        }
        assertTrue(async.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            producer.sendOneway(new Message("Orders", "TagA", ("oneway-" + i).getBytes()));
            sent.add("oneway-" + i);
        }
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new Message("Orders", "TagA", ("batch-" + i).getBytes()));
            sent.add("batch-" + i);
        }
        SendResult batchResult = producer.send(batch);
        assertEquals(SendStatus.SEND_OK, batchResult.getSendStatus());
        assertEquals(10, batchResult.getOffsetMsgId().split(",").length);

        Map<String, Integer> seen = consume("CG", "Orders", "*");
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.keySet().containsAll(sent));
        assertEquals(sent, seen.keySet());
        seen.forEach((body, times) -> assertEquals(1, times, body + " delivered " + times + " times"));
    }

    @Test
    void tagFiltersDeliverOnlyMatchingTags() throws Exception {
        Admin.createTopic(halfmoon, "Tagged", 2);
        DefaultMQProducer producer = producer("PG");
        for (int i = 0; i < 30; i++) {
            String tag = i % 3 == 0 ? "TagA" : i % 3 == 1 ? "TagB" : "TagC";
            producer.send(new Message("Tagged", tag, (tag + "-" + i).getBytes()));
        }
        Map<String, Integer> seen = consume("CG-tags", "Tagged", "TagA || TagC");
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 20);
        assertTrue(seen.keySet().stream().noneMatch(b -> b.startsWith("TagB")));
    }

    @Test
    void sendingToAnUnknownTopicFailsWithAClearError() throws Exception {
        DefaultMQProducer producer = producer("PG");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> producer.send(new Message("NoSuchTopic", "x".getBytes())));
        assertTrue(e.getMessage().contains("No route info"), e.getMessage());
    }
}
