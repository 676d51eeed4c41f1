package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
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
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two brokers on one name server: a topic on both, sends spread, consumers read from both, one stops and sends go on. */
@Timeout(120)
class TwoBrokersTest {
    @TempDir
    Path dir;

    @Test
    void sendsSpreadOverBothBrokersAndGoOnWhenOneStops() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir.resolve("a")).start()) {
            Broker second = halfmoon.startExtraBroker("broker-b", dir.resolve("b"));
            try {
                Admin.createTopic(halfmoon.brokerAddress(), halfmoon.namesrv(), "Spread", 2);
                Admin.createTopic(second.address(), halfmoon.namesrv(), "Spread", 2);
                await().atMost(Duration.ofSeconds(10)).until(() -> routeBrokers(halfmoon) == 2);
                DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-spread");
                producer.setRetryTimesWhenSendFailed(4);
                producer.start();
                Map<String, Integer> consumed = new ConcurrentHashMap<>();
                Set<String> brokersSeen = ConcurrentHashMap.newKeySet();
                DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-spread");
                consumer.subscribe("Spread", "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        consumed.merge(new String(m.getBody(), StandardCharsets.UTF_8), 1, Integer::sum);
                        brokersSeen.add(m.getStoreHost().toString());
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                try {
                    Set<String> sentTo = new HashSet<>();
                    Set<String> sent = new HashSet<>();
                    for (int i = 0; i < 40; i++) {
                        SendResult r = producer.send(new Message("Spread", ("m-" + i).getBytes()));
                        sentTo.add(r.getMessageQueue().getBrokerName());
                        sent.add("m-" + i);
                    }
                    assertEquals(Set.of("broker-a", "broker-b"), sentTo);
                    await().atMost(Duration.ofSeconds(30)).until(() -> consumed.keySet().containsAll(sent));
                    assertEquals(2, brokersSeen.size());

                    second.close();
                    Set<String> after = new HashSet<>();
                    for (int i = 0; i < 20; i++) {
                        SendResult r = producer.send(new Message("Spread", ("after-" + i).getBytes()));
                        assertEquals("broker-a", r.getMessageQueue().getBrokerName());
                        after.add("after-" + i);
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> consumed.keySet().containsAll(after));
                } finally {
                    consumer.shutdown();
                    producer.shutdown();
                }
            } finally {
                second.close();
            }
        }
    }

    private static int routeBrokers(HalfmoonFixture halfmoon) {
        try (dev.halfmoon.remoting.RemotingClient client = new dev.halfmoon.remoting.RemotingClient("route")) {
            var r = client.invokeSync(halfmoon.namesrv(), dev.halfmoon.remoting.RemotingCommand.request(
                    dev.halfmoon.remoting.RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Spread"), null), 3000);
            return r.code() != 0 ? 0 : dev.halfmoon.remoting.Json.decode(r.body(),
                    dev.halfmoon.remoting.body.TopicRouteData.class).brokerDatas().size();
        }
    }
}
