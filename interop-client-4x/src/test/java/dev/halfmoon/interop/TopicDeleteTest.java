package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin deleteTopic then updateTopic under the same name (rocketmq-tools 4.9.8): as with RocketMQ, the topic starts
 * again empty at queue offset 0, its old messages are not delivered to anyone, before or after a restart, and a group
 * that had consumed the old topic gets every new message (its old offset, past the new queue's end, is gone).
 */
@Timeout(120)
class TopicDeleteTest {
    @TempDir
    Path dir;

    @Test
    void aTopicDeletedAndMadeAgainStartsEmptyAndAGroupThatReadTheOldOneMissesNothingNew() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-again");
            producer.start();
            try {
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Again", 1, 1, 6));
                MessageQueue queue = new MessageQueue("Again", "broker-a", 0);
                for (int i = 0; i < 8; i++) {
                    producer.send(new Message("Again", ("old-" + i).getBytes()), queue);
                }
                List<String> live = new CopyOnWriteArrayList<>(); // a group whose consumer runs through it all
                DefaultMQPushConsumer running = Clients.pushConsumer(halfmoon.namesrv(), "CG-live");
                running.subscribe("Again", "*");
                running.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    msgs.forEach(m -> live.add(new String(m.getBody())));
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                running.start();
                List<String> first = consume(halfmoon, "CG-again", 8);
                assertEquals(8, first.size(), first.toString());
                await().atMost(Duration.ofSeconds(30)).until(() -> live.size() == 8);
                // (the client commits its last offset by its periodic commit, first 10 s after its start)
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.examineConsumeStats("CG-again").getOffsetTable()
                        .values().stream().mapToLong(o -> o.getConsumerOffset()).sum() == 8);

                admin.deleteTopicInBroker(Set.of(halfmoon.brokerAddress()), "Again");
                admin.deleteTopicInNameServer(Set.of(halfmoon.namesrv()), "Again", "DefaultCluster");
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Again", 1, 1, 6));
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.examineTopicStats("Again").getOffsetTable()
                        .get(queue).getMaxOffset() == 0);
                for (int i = 0; i < 3; i++) {
                    assertEquals(i, producer.send(new Message("Again", ("new-" + i).getBytes()), queue).getQueueOffset());
                }

                assertEquals(List.of("new-0", "new-1", "new-2"), sorted(consume(halfmoon, "CG-fresh", 3)),
                        "a new group sees only the new messages");
                assertEquals(List.of("new-0", "new-1", "new-2"), sorted(consume(halfmoon, "CG-again", 3)),
                        "the group that read the old topic gets all of the new one");
                // its pull past the new queue's end goes back to the queue's start (0), as with RocketMQ: nothing skipped
                await().atMost(Duration.ofSeconds(40)).until(() -> live.size() >= 11);
                assertEquals(List.of("new-0", "new-1", "new-2"), sorted(live.subList(8, live.size())),
                        "a consumer running across the delete gets exactly the new messages");
                running.shutdown();

                producer.shutdown();
                halfmoon.restart();
                producer = Clients.producer(halfmoon.namesrv(), "PG-again");
                producer.start();
                assertEquals(3, producer.send(new Message("Again", "after".getBytes()), queue).getQueueOffset());
                assertEquals(List.of("after", "new-0", "new-1", "new-2"), sorted(consume(halfmoon, "CG-after", 4)),
                        "after a restart too");
            } finally {
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void cleanUnusedTopicDropsTheQueuesOfATopicNoLongerConfigured() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-orphan");
            producer.start();
            MessageQueue queue = new MessageQueue("Orphan", "broker-a", 0);
            try {
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Orphan", 1, 1, 6));
                for (int i = 0; i < 3; i++) {
                    producer.send(new Message("Orphan", ("old-" + i).getBytes()), queue);
                }
                // a topic deleted by an earlier version, which kept its queues: its config gone, its queues left
                halfmoon.stop();
                try (MetadataStore metadata = MetadataStore.open(dir.resolve("metadata"))) {
                    metadata.table(MetadataTable.TOPICS, Codec.STRING, Codec.BYTES).delete("Orphan");
                }
                halfmoon.start();

                assertTrue(admin.cleanUnusedTopicByAddr(halfmoon.brokerAddress()));
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Orphan", 1, 1, 6));
                assertEquals(0, admin.examineTopicStats("Orphan").getOffsetTable().get(queue).getMaxOffset(),
                        "made again, the topic starts empty");
            } finally {
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    /** Starts a push consumer of {@code group} from the first offset and returns the bodies once {@code n} came. */
    private static List<String> consume(HalfmoonFixture halfmoon, String group, int n) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), group);
        consumer.subscribe("Again", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> got.add(new String(m.getBody())));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= n);
            // (an old message, served, would have come first: from the first offset, in the same pulls)
            assertTrue(got.size() == n, "exactly " + n + ": " + got);
            return got;
        } finally {
            consumer.shutdown();
        }
    }

    private static List<String> sorted(List<String> bodies) {
        return bodies.stream().sorted().toList();
    }
}
