package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the broker keeps for itself: clients can neither move the delay schedule's progress nor read its queues. */
class BrokerOwnStateTest extends LiveBrokers {
    @Test
    void theScheduleGroupsOffsetsAndTheScheduleTopicAreNotTheClients() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        RemotingCommand commit = ask(b.address(), RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup",
                "HALFMOON_SCHEDULE", "topic", "SCHEDULE_TOPIC_XXXX", "queueId", "2", "commitOffset", "1000000"), null);
        assertEquals(ResponseCode.SYSTEM_ERROR, commit.code(), "a level would skip every delayed message");

        for (String[] groupAndTopic : new String[][] {{"CG-peek", "SCHEDULE_TOPIC_XXXX"}, {"HALFMOON_SCHEDULE", "Jobs"}}) {
            createTopic(b, "Jobs");
            Map<String, String> pull = new HashMap<>(Map.of("consumerGroup", groupAndTopic[0], "topic", groupAndTopic[1],
                    "queueId", "0", "queueOffset", "0", "maxMsgNums", "32", "sysFlag", "1", "commitOffset", "5",
                    "suspendTimeoutMillis", "0", "subVersion", "0"));
            RemotingCommand r = ask(b.address(), RequestCode.PULL_MESSAGE, pull, null);
            assertEquals(ResponseCode.NO_PERMISSION, r.code(), String.join(" ", groupAndTopic) + ": " + r.remark());
        }
        RemotingCommand offset = ask(b.address(), RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup",
                "HALFMOON_SCHEDULE", "topic", "Jobs", "queueId", "0"), null);
        assertEquals("0", offset.ext("offset"), "the pull's commit of 5 was not applied");
    }
}
