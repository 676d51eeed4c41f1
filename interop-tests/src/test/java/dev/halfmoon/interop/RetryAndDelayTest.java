package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RECONSUME_LATER redelivery through %RETRY% with the delay of its level, the DLQ after the
 * maximum reconsume times, producers' delayed messages, and all of it across a broker restart.
 * Delay levels are shortened for the test: level 1 = 1 s, 2 = 2 s, 3 = 2 s, 4.. = 1 s, 18 = 4 s.
 */
@Timeout(120)
class RetryAndDelayTest {
    static final String LEVELS = "1s 2s 2s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 4s";

    /** One delivery as the consumer saw it. */
    record Delivery(String body, long atMs, int reconsumeTimes, String topic, String offsetMsgId, String originMsgId) {
    }

    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    DefaultMQProducer producer;
    final List<Runnable> closers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        halfmoon = new HalfmoonFixture(dir).set("messageDelayLevel", LEVELS).set("flushDiskType", "SYNC_FLUSH").start();
        Admin.createTopic(halfmoon, "Jobs", 2);
        producer = Clients.producer(halfmoon.namesrv(), "PG-jobs");
        producer.setRetryTimesWhenSendFailed(5);
        producer.start();
    }

    @AfterEach
    void stop() {
        closers.forEach(Runnable::run);
        producer.shutdown();
        halfmoon.close();
    }

    private List<Delivery> consume(String group, String topic, int maxReconsumeTimes, Predicate<MessageExt> fail)
            throws Exception {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(halfmoon.namesrv(), group);
        c.subscribe(topic, "*");
        c.setMaxReconsumeTimes(maxReconsumeTimes);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            MessageExt m = msgs.get(0);
            deliveries.add(new Delivery(new String(m.getBody(), StandardCharsets.UTF_8), System.currentTimeMillis(),
                    m.getReconsumeTimes(), m.getTopic(), ((org.apache.rocketmq.common.message.MessageClientExt) m)
                            .getOffsetMsgId(), m.getProperty("ORIGIN_MESSAGE_ID")));
            return fail.test(m) ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        closers.add(0, c::shutdown);
        return deliveries;
    }

    @Test
    void reconsumeLaterRedeliversAfterItsLevelThenTheDeadLetterQueueTakesIt() throws Exception {
        List<Delivery> seen = consume("CG-jobs", "Jobs", 2, m -> true);
        producer.send(new Message("Jobs", "flaky".getBytes()));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 3);
        assertEquals(List.of(0, 1, 2), seen.stream().map(Delivery::reconsumeTimes).toList());
        assertTrue(seen.stream().allMatch(d -> d.topic().equals("Jobs")), "the consumer sees the original topic");
        assertEquals(seen.get(0).offsetMsgId(), seen.get(1).originMsgId(), "ORIGIN_MESSAGE_ID: the first delivery's "
                + "offset message id, as RocketMQ's broker sets it");
        assertEquals(seen.get(0).offsetMsgId(), seen.get(2).originMsgId(), "and kept across redeliveries");
        long firstRetryDelay = seen.get(1).atMs() - seen.get(0).atMs();
        assertTrue(firstRetryDelay >= 2000 && firstRetryDelay < 3500, "level 3 (2 s) took " + firstRetryDelay + " ms");
        long secondRetryDelay = seen.get(2).atMs() - seen.get(1).atMs();
        assertTrue(secondRetryDelay >= 1000 && secondRetryDelay < 2500, "level 4 (1 s) took " + secondRetryDelay + " ms");

        List<Delivery> dead = consume("CG-dlq-reader", "%DLQ%CG-jobs", 16, m -> false);
        await().atMost(Duration.ofSeconds(20)).until(() -> dead.size() == 1);
        assertEquals("flaky", dead.get(0).body());
        assertEquals(3, seen.size(), "no delivery after the message went to the DLQ");
    }

    @Test
    void anExhaustedRetryThatStillCarriesTheTransactionFlagGoesToTheDeadLetterQueueNotToTheHalfTopic() throws Exception {
        consume("CG-old", "Jobs", 16, m -> false); // its heartbeat makes %RETRY%CG-old routable
        // a consumer's fallback re-send from a client before 4.6.1 keeps the TRAN_MSG of a transactional message
        Message retry = new Message("%RETRY%CG-old", "last-try".getBytes());
        MessageAccessor.setReconsumeTime(retry, "16");
        MessageAccessor.setMaxReconsumeTimes(retry, "16");
        MessageAccessor.putProperty(retry, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        MessageAccessor.putProperty(retry, MessageConst.PROPERTY_PRODUCER_GROUP, "PG-gone");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> producer.send(retry).getSendStatus() == SendStatus.SEND_OK);

        List<Delivery> dead = consume("CG-dlq-reader", "%DLQ%CG-old", 16, m -> false);
        await().atMost(Duration.ofSeconds(20)).until(() -> dead.size() == 1);
        assertEquals("last-try", dead.get(0).body(), "a dead letter, not a half waiting for a check-back");
    }

    @Test
    void delayedMessagesArriveNoEarlierThanTheirLevelAndWithinASecondAfter() throws Exception {
        List<Delivery> seen = consume("CG-delayed", "Jobs", 16, m -> false);
        producer.send(new Message("Jobs", "ready".getBytes()));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1); // the consumer has its queues and pulls
        long sent = System.currentTimeMillis();
        Message delayed = new Message("Jobs", "in-two-seconds".getBytes());
        delayed.setDelayTimeLevel(2);
        producer.send(delayed);
        producer.send(new Message("Jobs", "now".getBytes()));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
        Map<String, Long> at = new ConcurrentHashMap<>();
        seen.forEach(d -> at.put(d.body(), d.atMs() - sent));
        assertTrue(at.get("now") < 1500, "undelayed took " + at.get("now"));
        assertTrue(at.get("in-two-seconds") >= 2000 && at.get("in-two-seconds") <= 3000,
                "level 2 (2 s) arrived after " + at.get("in-two-seconds") + " ms");
    }

    /** RocketMQ 5's timer messages (setDeliverTimeMs sets TIMER_DELIVER_MS): never delivered before their time. */
    @Test
    void timerMessagesArriveNoEarlierThanTheirTime() throws Exception {
        List<Delivery> seen = consume("CG-timer", "Jobs", 16, m -> false);
        producer.send(new Message("Jobs", "ready".getBytes()));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
        long at = System.currentTimeMillis() + 2_500;
        Message timed = new Message("Jobs", "at-a-time".getBytes());
        MessageAccessor.putProperty(timed, "TIMER_DELIVER_MS", Long.toString(at));
        producer.send(timed);
        Message tooLate = new Message("Jobs", "in-four-days".getBytes());
        MessageAccessor.putProperty(tooLate, "TIMER_DELAY_SEC", Long.toString(4L * 24 * 3600));
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> producer.send(tooLate));
        assertTrue(String.valueOf(refused.getMessage()).contains("3 days"), refused.getMessage());
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        long arrived = seen.get(1).atMs();
        assertEquals("at-a-time", seen.get(1).body());
        assertTrue(arrived >= at && arrived - at < 2_000, "arrived " + (arrived - at) + " ms after its time");
    }

    @Test
    void delayedAndRetriedMessagesSurviveABrokerRestart() throws Exception {
        List<Delivery> seen = consume("CG-restart", "Jobs", 16,
                m -> m.getReconsumeTimes() == 0 && new String(m.getBody(), StandardCharsets.UTF_8).equals("retry-me"));
        Message delayed = new Message("Jobs", "delayed-across-restart".getBytes());
        delayed.setDelayTimeLevel(18);
        long sent = System.currentTimeMillis();
        producer.send(delayed);
        producer.send(new Message("Jobs", "retry-me".getBytes()));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(d -> d.body().equals("retry-me")));
        halfmoon.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().filter(d -> d.body().equals("retry-me")).count() >= 2
                && seen.stream().anyMatch(d -> d.body().equals("delayed-across-restart")));
        long delayedAt = seen.stream().filter(d -> d.body().equals("delayed-across-restart")).findFirst().orElseThrow().atMs();
        assertTrue(delayedAt - sent >= 4000, "level 18 (4 s) arrived after " + (delayedAt - sent) + " ms");
        assertEquals(1, seen.stream().filter(d -> d.body().equals("delayed-across-restart")).count());
    }
}
