package dev.halfmoon.interop;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class ConsumerGroupsTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    DefaultMQProducer producer;
    final List<Runnable> closers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        halfmoon = new HalfmoonFixture(dir).start();
        Admin.createTopic(halfmoon, "Shared", 4);
        producer = Clients.producer(halfmoon.namesrv(), "PG");
        producer.start();
    }

    @AfterEach
    void stop() {
        closers.forEach(Runnable::run);
        producer.shutdown();
        halfmoon.close();
    }

    /** A push consumer recording bodies and the queues it got them from. */
    private DefaultMQPushConsumer member(String group, boolean broadcasting, Map<String, Integer> seen, Set<Integer> queues)
            throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(halfmoon.namesrv(), group);
        if (broadcasting) {
            Clients.broadcasting(c);
        }
        c.subscribe("Shared", "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                seen.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
                queues.add(m.getQueueId());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        closers.add(c::shutdown);
        return c;
    }

    /** Queue id to the offset after the last message sent to it. */
    final Map<Integer, Long> queueEnds = new ConcurrentHashMap<>();

    private Set<String> send(String prefix, int n) throws Exception {
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < n; i++) {
            SendResult r = producer.send(new Message("Shared", (prefix + i).getBytes()));
            queueEnds.merge(r.getMessageQueue().getQueueId(), r.getQueueOffset() + 1, Math::max);
            sent.add(prefix + i);
        }
        return sent;
    }

    /**
     * Whether the member has acknowledged everything sent to its queues: its listener returns before the client
     * moves its offset, and a member shut down in between hands the queue over with its last batch unacknowledged,
     * which the next owner then gets again (at-least-once, as with Apache RocketMQ).
     */
    private boolean acknowledgedAll(DefaultMQPushConsumer c) {
        var impl = c.getDefaultMQPushConsumerImpl();
        for (MessageQueue q : impl.getRebalanceImpl().getProcessQueueTable().keySet()) {
            long end = queueEnds.getOrDefault(q.getQueueId(), 0L);
            if (q.getTopic().equals("Shared") && impl.getOffsetStore().readOffset(q, ReadOffsetType.READ_FROM_MEMORY) < end) {
                return false;
            }
        }
        return true;
    }

    @Test
    void twoMembersShareTheQueuesAndTheSurvivorTakesOverWhenOneLeaves() throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Set<Integer> queuesA = ConcurrentHashMap.newKeySet();
        Set<Integer> queuesB = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer a = member("CG-shared", false, seen, queuesA);
        member("CG-shared", false, seen, queuesB);
        await().atMost(Duration.ofSeconds(20)).until(() -> assigned(a) == 2);

        Set<String> first = send("first-", 80);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.keySet().containsAll(first));
        assertTrue(!queuesA.isEmpty() && !queuesB.isEmpty(), "both members consumed: " + queuesA + " / " + queuesB);
        Set<Integer> overlap = new HashSet<>(queuesA);
        overlap.retainAll(queuesB);
        assertTrue(overlap.isEmpty(), "a queue went to both members: " + overlap);

        await().atMost(Duration.ofSeconds(20)).until(() -> acknowledgedAll(a));
        a.shutdown();
        queuesB.clear();
        Set<String> second = send("second-", 80);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.keySet().containsAll(second));
        assertEquals(Set.of(0, 1, 2, 3), queuesB);
        seen.forEach((body, n) -> assertEquals(1, n, body));
    }

    private static int assigned(DefaultMQPushConsumer c) {
        return (int) c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet().stream()
                .filter(q -> q.getTopic().equals("Shared")).count();
    }

    @Test
    void broadcastingDeliversEveryMessageToEveryMember() throws Exception {
        Map<String, Integer> seenA = new ConcurrentHashMap<>();
        Map<String, Integer> seenB = new ConcurrentHashMap<>();
        member("CG-broadcast", true, seenA, ConcurrentHashMap.newKeySet());
        member("CG-broadcast", true, seenB, ConcurrentHashMap.newKeySet());
        Set<String> sent = send("b-", 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> seenA.keySet().containsAll(sent) && seenB.keySet().containsAll(sent));
        assertEquals(sent, seenA.keySet());
        assertEquals(sent, seenB.keySet());
    }

    @Test
    void litePullConsumerPollsEverythingAndCommits() throws Exception {
        Set<String> sent = send("lite-", 50);
        DefaultLitePullConsumer lite = Clients.litePullConsumer(halfmoon.namesrv(), "CG-lite");
        lite.subscribe("Shared", "*");
        lite.start();
        closers.add(lite::shutdown);
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (MessageExt m : lite.poll(200)) {
                seen.add(new String(m.getBody(), StandardCharsets.UTF_8));
            }
            return seen.containsAll(sent);
        });
        assertEquals(sent, seen);
        Collection<MessageQueue> queues = lite.fetchMessageQueues("Shared");
        assertEquals(4, queues.size());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            lite.poll(100);
            long committed = 0;
            for (MessageQueue q : queues) {
                committed += Math.max(0, lite.committed(q));
            }
            return committed == 50;
        });
    }
}
