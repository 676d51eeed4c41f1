package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.SubscriptionData;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a client's heartbeat may make on the broker: nothing from a bad one, no retry topic for a group that is not. */
class HeartbeatTest extends LiveBrokers {
    private RemotingCommand heartbeat(Broker b, String... groups) {
        Set<ConsumerData> consumers = new HashSet<>();
        for (String g : groups) {
            consumers.add(new ConsumerData(g, "CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET", Set.of(), false));
        }
        return ask(b.address(), RequestCode.HEART_BEAT, Map.of(), Json.encode(new HeartbeatData("client-1", Set.of(), consumers)));
    }

    private RemotingCommand subscribe(Broker b, String group, String... topics) {
        Set<SubscriptionData> subscriptions = new HashSet<>();
        for (String t : topics) {
            subscriptions.add(SubscriptionData.ofTags(t, "*"));
        }
        ConsumerData data = new ConsumerData(group, "CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET",
                subscriptions, false);
        return ask(b.address(), RequestCode.HEART_BEAT, Map.of(), Json.encode(new HeartbeatData("client-1", Set.of(),
                Set.of(data))));
    }

    private String connections(Broker b, String group) {
        RemotingCommand r = ask(b.address(), RequestCode.GET_CONSUMER_CONNECTION_LIST, Map.of("consumerGroup", group), null);
        return r.code() + " " + (r.body() == null ? r.remark() : new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A topic the group's members stop subscribing to leaves the group's subscriptions, as in RocketMQ. */
    @Test
    void aTopicNoLongerSubscribedLeavesTheGroupsSubscriptions() {
        Broker b = broker(dir, "127.0.0.1:9", Map.of());
        assertEquals(ResponseCode.SUCCESS, subscribe(b, "CG-subs", "TopicA", "TopicB").code());
        String both = connections(b, "CG-subs");
        assertTrue(both.contains("TopicA") && both.contains("TopicB"), both);
        assertEquals(ResponseCode.SUCCESS, subscribe(b, "CG-subs", "TopicA").code());
        String one = connections(b, "CG-subs");
        assertTrue(one.contains("TopicA") && !one.contains("TopicB"), one);
    }

    /** Groups whose members all left or went silent are forgotten (short-lived groups would otherwise pile up). */
    @Test
    void groupsLeftWithoutMembersAreForgotten() {
        Broker b = broker(dir, "127.0.0.1:9", Map.of("channelExpiredTimeout", "1000", "httpEnable", "true", "httpPort", "0"));
        for (int i = 0; i < 20; i++) {
            assertEquals(ResponseCode.SUCCESS, subscribe(b, "CG-short-" + i, "TopicA").code());
        }
        java.net.URI metrics = java.net.URI.create(b.httpAddress().orElseThrow() + "/metrics");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> http.send(
                java.net.http.HttpRequest.newBuilder(metrics).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .body().contains("halfmoon_consumer_groups 0.0")); // silent for over a second: expired, then forgotten
        assertTrue(connections(b, "CG-short-0").startsWith(ResponseCode.CONSUMER_NOT_ONLINE + " "));
        assertEquals(ResponseCode.SUCCESS, subscribe(b, "CG-short-0", "TopicA").code());
        assertTrue(connections(b, "CG-short-0").contains("TopicA"), "a group comes back with its next heartbeat");
    }

    private String topics(Broker b) {
        return new String(ask(b.address(), RequestCode.GET_ALL_TOPIC_CONFIG, Map.of(), null).body(), StandardCharsets.UTF_8);
    }

    @Test
    void aHeartbeatNamingAnIllegalGroupIsRefusedWholeAndMakesNothing() {
        Broker b = broker(dir, "127.0.0.1:9", Map.of());
        RemotingCommand r = heartbeat(b, "CG-fine", "../etc");
        assertEquals(ResponseCode.SYSTEM_ERROR, r.code());
        assertTrue(r.remark().contains("not legal"), r.remark());
        assertFalse(topics(b).contains("%RETRY%CG-fine"), "nothing of the heartbeat was taken");
        assertEquals(ResponseCode.SUCCESS, heartbeat(b, "CG-fine").code());
        assertTrue(topics(b).contains("%RETRY%CG-fine"));
    }

    @Test
    void withoutAutomaticGroupsAnUnknownGroupGetsNoRetryTopic() {
        Broker b = broker(dir, "127.0.0.1:9", Map.of("autoCreateSubscriptionGroup", "false"));
        heartbeat(b, "CG-unknown");
        assertFalse(topics(b).contains("%RETRY%CG-unknown"), topics(b));
    }

    /**
     * A leaving consumer commits its last offsets one way, then unregisters: once its leaving is answered (and the rest
     * of the group told), the commits are in, so the member taking over its queues starts after them.
     */
    @Test
    void aLeavingMembersLastOneWayCommitsAreInOnceItsLeavingIsAnswered() {
        Broker b = broker(dir, "127.0.0.1:9", Map.of());
        createTopic(b, "Left");
        for (int q = 0; q < 3; q++) {
            for (int i = 0; i < 100; i++) {
                assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.SEND_MESSAGE_V2, Map.of("a", "PG", "b", "Left",
                        "c", "TBW102", "d", "3", "e", Integer.toString(q), "f", "0", "g", "1", "h", "0"), "x".getBytes()).code());
            }
        }
        for (int round = 1; round <= 100; round++) {
            assertEquals(ResponseCode.SUCCESS, subscribe(b, "CG-leaving", "Left").code());
            for (int q = 0; q < 3; q++) {
                client.invokeOneway(b.address(), RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, Map.of(
                        "consumerGroup", "CG-leaving", "topic", "Left", "queueId", Integer.toString(q),
                        "commitOffset", Integer.toString(round)), null)).join();
            }
            assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.UNREGISTER_CLIENT, Map.of("clientID", "client-1",
                    "consumerGroup", "CG-leaving"), null).code());
            for (int q = 0; q < 3; q++) {
                RemotingCommand r = ask(b.address(), RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG-leaving",
                        "topic", "Left", "queueId", Integer.toString(q)), null);
                assertEquals(round + "", r.ext("offset"), "round " + round + ", queue " + q);
            }
        }
    }
}
