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
}
