package dev.halfmoon.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.namesrv.NameServer;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.SubscriptionGroupWrapper;
import dev.halfmoon.remoting.body.TopicConfigWrapper;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BrokerAndNameServerTest extends LiveBrokers {
    @Test
    void aBrokerRegistersWithEveryNameServerAndIsDroppedWhenItStopsHeartbeating() {
        NameServer a = nameServer(120_000);
        NameServer b = nameServer(120_000);
        Broker broker = broker(dir, a.address() + ";" + b.address(), Map.of());
        createTopic(broker, "Everywhere");
        await().atMost(Duration.ofSeconds(5)).until(() -> route(a.address(), "Everywhere") == ResponseCode.SUCCESS
                && route(b.address(), "Everywhere") == ResponseCode.SUCCESS);
        TopicRouteData data = Json.decode(ask(a.address(), RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Everywhere"),
                null).body(), TopicRouteData.class);
        assertEquals(3, data.queueDatas().get(0).writeQueueNums());
        assertEquals(broker.address(), data.brokerDatas().get(0).masterAddress());

        NameServer strict = nameServer(1000);
        RemotingCommand register = RemotingCommand.request(RequestCode.REGISTER_BROKER, Map.of("brokerName", "ghost",
                "brokerAddr", "127.0.0.1:1", "clusterName", "C", "brokerId", "0"), Json.encode(Map.of(
                "topicConfigSerializeWrapper", Map.of("topicConfigTable", Map.of("Ghostly", Map.of("topicName", "Ghostly",
                        "readQueueNums", 1, "writeQueueNums", 1, "perm", 6))))));
        // the ghost registers on a connection of its own: the name server closes it when the ghost expires
        try (dev.halfmoon.remoting.RemotingClient ghost = new dev.halfmoon.remoting.RemotingClient("ghost")) {
            long registered = System.nanoTime();
            assertEquals(ResponseCode.SUCCESS, ghost.invokeSync(strict.address(), register, 3000).code());
            int found = route(strict.address(), "Ghostly");
            if ((System.nanoTime() - registered) / 1_000_000 < 1000) { // (a slow machine may have let it expire by now)
                assertEquals(ResponseCode.SUCCESS, found);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> route(strict.address(), "Ghostly") == ResponseCode.TOPIC_NOT_EXIST);
        }
        RemotingCommand missing = ask(strict.address(), RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Ghostly"), null);
        assertTrue(missing.remark().contains("Ghostly"));
    }

    /** An admin's topic change reaches the name servers before the admin is answered, as RocketMQ's does. */
    @Test
    void aTopicIsRoutableOnceItsCreationIsAnsweredAndGoneOnceItsDeletionIs() {
        NameServer a = nameServer(120_000);
        NameServer b = nameServer(120_000);
        Broker broker = broker(dir, a.address() + ";" + b.address(), Map.of("registerNameServerPeriod", "60000"));
        for (int i = 0; i < 5; i++) { // (a consumer started right after would otherwise find no queue for 30 s)
            createTopic(broker, "AtOnce" + i);
            assertEquals(ResponseCode.SUCCESS, route(a.address(), "AtOnce" + i));
            assertEquals(ResponseCode.SUCCESS, route(b.address(), "AtOnce" + i));
        }
        assertEquals(ResponseCode.SUCCESS, ask(broker.address(), RequestCode.DELETE_TOPIC_IN_BROKER,
                Map.of("topic", "AtOnce0"), null).code());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, route(a.address(), "AtOnce0"));
    }

    @Test
    void aBrokerWhoseConnectionClosesIsDroppedAtOnce() {
        NameServer ns = nameServer(120_000);
        try (RemotingClient lonely = new RemotingClient("lonely")) {
            RemotingCommand register = RemotingCommand.request(RequestCode.REGISTER_BROKER, Map.of("brokerName", "b1",
                    "brokerAddr", "127.0.0.1:2", "clusterName", "C", "brokerId", "0"), Json.encode(Map.of(
                    "topicConfigSerializeWrapper", Map.of("topicConfigTable", Map.of("T", Map.of("topicName", "T",
                            "readQueueNums", 1, "writeQueueNums", 1, "perm", 6))))));
            assertEquals(ResponseCode.SUCCESS, lonely.invokeSync(ns.address(), register, 3000).code());
            assertEquals(ResponseCode.SUCCESS, route(ns.address(), "T"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> route(ns.address(), "T") == ResponseCode.TOPIC_NOT_EXIST);
    }

    @Test
    void unknownTopicsAreCreatedOnFirstSendOnlyWhenAutoCreationIsOn() {
        NameServer ns = nameServer(120_000);
        Broker strict = broker(dir.resolve("strict"), ns.address(), Map.of());
        Map<String, String> send = Map.of("a", "PG", "b", "Fresh", "c", "TBW102", "d", "4", "e", "0", "f", "0",
                "g", "1", "h", "0");
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(strict.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes()).code());
        Broker lenient = broker(dir.resolve("lenient"), ns.address(), Map.of("autoCreateTopicEnable", "true",
                "brokerName", "broker-b"));
        assertEquals(ResponseCode.SUCCESS, ask(lenient.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes()).code());
        await().atMost(Duration.ofSeconds(5)).until(() -> route(ns.address(), "Fresh") == ResponseCode.SUCCESS
                && route(ns.address(), "TBW102") == ResponseCode.SUCCESS);
    }

    @Test
    void topicAndGroupConfigsSurviveARestart() {
        NameServer ns = nameServer(120_000);
        Broker first = broker(dir, ns.address(), Map.of());
        createTopic(first, "Kept");
        SubscriptionGroupConfig group = new SubscriptionGroupConfig("CG-kept", true, true, true, 2, 3, 0, 1, true);
        assertEquals(ResponseCode.SUCCESS, ask(first.address(), RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null,
                Json.encode(group)).code());
        first.close();
        running.remove(first);
        Broker second = broker(dir, ns.address(), Map.of());
        TopicConfigWrapper topics = Json.decode(ask(second.address(), RequestCode.GET_ALL_TOPIC_CONFIG, null, null).body(),
                TopicConfigWrapper.class);
        assertEquals(3, topics.topicConfigTable().get("Kept").writeQueueNums());
        SubscriptionGroupWrapper groups = Json.decode(ask(second.address(), RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
                null, null).body(), SubscriptionGroupWrapper.class);
        assertEquals(group, groups.subscriptionGroupTable().get("CG-kept"));
    }

    @Test
    void pullsOutsideTheQueueAreToldTheOffsetMoved() {
        NameServer ns = nameServer(120_000);
        Broker broker = broker(dir, ns.address(), Map.of());
        createTopic(broker, "Moved");
        Map<String, String> send = Map.of("a", "PG", "b", "Moved", "c", "TBW102", "d", "4", "e", "0", "f", "0",
                "g", "1", "h", "0");
        for (int i = 0; i < 3; i++) {
            ask(broker.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes());
        }
        await().until(() -> broker.store().maxQueueOffset("Moved", 0) == 3);
        RemotingCommand moved = ask(broker.address(), RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g", "topic", "Moved",
                "queueId", "0", "queueOffset", "17", "maxMsgNums", "32", "sysFlag", "0"), null);
        assertEquals(ResponseCode.PULL_OFFSET_MOVED, moved.code());
        assertEquals("3", moved.ext("nextBeginOffset"));
        RemotingCommand ok = ask(broker.address(), RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g", "topic", "Moved",
                "queueId", "0", "queueOffset", "1", "maxMsgNums", "32", "sysFlag", "0"), null);
        assertEquals(ResponseCode.SUCCESS, ok.code());
        assertEquals("3", ok.ext("nextBeginOffset"));
        assertEquals("0", ok.ext("minOffset"));

        // the topic deleted and made again: a position past the new queue's end is from before, and goes to its start
        assertEquals(ResponseCode.SUCCESS, ask(broker.address(), RequestCode.DELETE_TOPIC_IN_BROKER,
                Map.of("topic", "Moved"), null).code());
        createTopic(broker, "Moved");
        for (int i = 0; i < 2; i++) {
            ask(broker.address(), RequestCode.SEND_MESSAGE_V2, send, "y".getBytes());
        }
        await().until(() -> broker.store().maxQueueOffset("Moved", 0) == 2);
        RemotingCommand again = ask(broker.address(), RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g",
                "topic", "Moved", "queueId", "0", "queueOffset", "3", "maxMsgNums", "32", "sysFlag", "0"), null);
        assertEquals(ResponseCode.PULL_OFFSET_MOVED, again.code());
        assertEquals("0", again.ext("nextBeginOffset"), "not 2: the two new messages are not skipped");
    }

    @Test
    void badSettingsStopStartUpWithTheKeyNamed() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> BrokerSettings.load(Map.of("flushDiskTyp", "SYNC_FLUSH")));
        assertTrue(unknown.getMessage().contains("flushDiskTyp"));
        ConfigException bad = assertThrows(ConfigException.class, () -> BrokerSettings.load(Map.of("flushDiskType", "SOMETIMES")));
        assertTrue(bad.getMessage().contains("flushDiskType") && bad.getMessage().contains("SOMETIMES"));
        ConfigException range = assertThrows(ConfigException.class, () -> BrokerSettings.load(Map.of("listenPort", "70000")));
        assertTrue(range.getMessage().contains("listenPort"));
        BrokerConfig defaults = BrokerSettings.load(Map.of());
        assertEquals(6000, defaults.transactions().timeoutMs());
        assertEquals(15, defaults.transactions().checkMax());
        assertEquals(60_000, defaults.transactions().checkIntervalMs());
        assertEquals(10911, defaults.network().listenPort());
    }
}
