package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ConsumeQueueData;
import org.apache.rocketmq.common.protocol.body.ProducerInfo;
import org.apache.rocketmq.common.protocol.body.QueryConsumeQueueResponseBody;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** mqadmin producer and queryCq (rocketmq-tools 4.9.8 DefaultMQAdminExt) against Halfmoon. */
@Timeout(120)
class QueueAndProducerToolsTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("deprecation") // (the client's own heartbeat, called now rather than waited for)
    void anOperatorListsTheProducersAndReadsAQueuesEntriesWithWhatAGroupTakes() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            dev.halfmoon.testkit.Admin.createTopic(halfmoon, "Inspected", 2);
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-inspect");
            producer.start();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-inspect");
            try {
                MessageQueue queue0 = new MessageQueue("Inspected", "broker-a", 0);
                List<SendResult> sent = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sent.add(producer.send(new Message("Inspected", i % 2 == 0 ? "A" : "B", ("m-" + i).getBytes()), queue0));
                }

                // (the client heartbeats to the brokers it knows every 30 s; it knew none at its start)
                producer.getDefaultMQProducerImpl().getmQClientFactory().sendHeartbeatToAllBrokerWithLock();
                // mqadmin producer -b: every producer group with its live instances
                List<ProducerInfo> instances = admin.getAllProducerInfo(halfmoon.brokerAddress()).getData().get("PG-inspect");
                assertNotNull(instances, "PG-inspect listed");
                assertEquals(1, instances.size());
                ProducerInfo p = instances.get(0);
                assertEquals(producer.buildMQClientId(), p.getClientId());
                assertEquals("JAVA", p.getLanguage().name());
                assertTrue(p.getVersion() > 0 && !p.getRemoteIP().isEmpty(), p.toString());
                assertTrue(p.getLastUpdateTimestamp() > 0 && p.getLastUpdateTimestamp() <= System.currentTimeMillis());

                // mqadmin queryCq -t Inspected -q 0 -i 0 -c 10: each entry where its record lies in the log
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.queryConsumeQueue(halfmoon.brokerAddress(),
                        "Inspected", 0, 0, 10, null).getMaxQueueIndex() == 6);
                QueryConsumeQueueResponseBody all = admin.queryConsumeQueue(halfmoon.brokerAddress(), "Inspected", 0, 0, 10, null);
                assertEquals(0, all.getMinQueueIndex());
                assertEquals(6, all.getQueueData().size());
                assertNull(all.getSubscriptionData());
                for (int i = 0; i < 6; i++) {
                    ConsumeQueueData e = all.getQueueData().get(i);
                    assertEquals(MessageDecoder.decodeMessageId(sent.get(i).getOffsetMsgId()).getOffset(), e.getPhysicOffset(),
                            "entry " + i + " points at the record its send stored");
                    assertTrue(e.getPhysicSize() > 0);
                    assertEquals((i % 2 == 0 ? "A" : "B").hashCode(), e.getTagsCode());
                    assertFalse(e.isEval(), "no group asked about");
                }

                // with -g: the group's subscription, and which entries it takes
                consumer.subscribe("Inspected", "A");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
                consumer.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.queryConsumeQueue(halfmoon.brokerAddress(),
                        "Inspected", 0, 2, 3, "CG-inspect").getSubscriptionData() != null);
                QueryConsumeQueueResponseBody some = admin.queryConsumeQueue(halfmoon.brokerAddress(), "Inspected", 0, 2, 3, "CG-inspect");
                assertEquals("A", some.getSubscriptionData().getSubString());
                assertEquals(3, some.getQueueData().size(), "entries 2, 3 and 4");
                assertEquals(2, sent.get(2).getQueueOffset());
                assertTrue(some.getQueueData().get(0).isEval(), "tag A taken");
                assertFalse(some.getQueueData().get(1).isEval(), "tag B not");
                assertTrue(some.getQueueData().get(2).isEval());

                QueryConsumeQueueResponseBody offline = admin.queryConsumeQueue(halfmoon.brokerAddress(), "Inspected", 0, 0, 1, "CG-gone");
                assertEquals("CG-gone@Inspected is not online!", offline.getFilterData());

                // past the end: the bounds, no entries (RocketMQ sends no body there and the tool fails)
                QueryConsumeQueueResponseBody past = admin.queryConsumeQueue(halfmoon.brokerAddress(), "Inspected", 0, 10, 5, null);
                assertTrue(past.getQueueData().isEmpty());
                assertEquals(6, past.getMaxQueueIndex());
                QueryConsumeQueueResponseBody empty = admin.queryConsumeQueue(halfmoon.brokerAddress(), "Inspected", 1, 0, 5, null);
                assertEquals(0, empty.getMaxQueueIndex(), "queue 1 got nothing");

                MQClientException noTopic = assertThrows(MQClientException.class, () -> admin.queryConsumeQueue(
                        halfmoon.brokerAddress(), "NoSuchTopic", 0, 0, 5, null));
                assertTrue(noTopic.getMessage().contains("0@NoSuchTopic is not exist!"), noTopic.getMessage());
                MQClientException noQueue = assertThrows(MQClientException.class, () -> admin.queryConsumeQueue(
                        halfmoon.brokerAddress(), "Inspected", 7, 0, 5, null));
                assertTrue(noQueue.getMessage().contains("7@Inspected is not exist!"), noQueue.getMessage());

            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }
}
