package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the broker keeps for itself: clients can neither move the delay schedule's progress nor read its queues; consumer
 * offsets never stay past what the log holds.
 */
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

        // offsets are kept for queues that exist: a client cannot fill the broker's metadata with made-up names
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(b.address(), RequestCode.UPDATE_CONSUMER_OFFSET, Map.of(
                "consumerGroup", "CG-any", "topic", "Made-up", "queueId", "0", "commitOffset", "0"), null).code());
        assertEquals(ResponseCode.SYSTEM_ERROR, ask(b.address(), RequestCode.UPDATE_CONSUMER_OFFSET, Map.of(
                "consumerGroup", "CG-any", "topic", "Jobs", "queueId", "99", "commitOffset", "0"), null).code());
    }

    /** A re-send to the retry topic of a group that never consumed here makes no dead-letter topic. */
    @Test
    void anExhaustedResendToAMadeUpRetryTopicMakesNoDeadLetterTopic() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        Map<String, String> send = Map.of("a", "PG", "b", "%RETRY%Made-up", "c", "TBW102", "d", "1", "e", "0", "f", "0",
                "g", "1", "h", "0", "j", "16", "l", "0");
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(b.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes()).code());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(b.address(), RequestCode.GET_TOPIC_STATS_INFO, Map.of("topic",
                "%DLQ%Made-up"), null).code(), "no dead-letter topic made");
    }

    /** A consumer that owned a queue an operator took away commits its last progress there on leaving: it is kept. */
    @Test
    void progressOnAQueueOfATopicMadeSmallerIsKept() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        createTopic(b, "Shrunk"); // 3 queues
        Map<String, String> send = Map.of("a", "PG", "b", "Shrunk", "c", "TBW102", "d", "3", "e", "2", "f", "0", "g", "1",
                "h", "0");
        for (int i = 0; i < 4; i++) {
            assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes()).code());
        }
        assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Shrunk",
                "readQueueNums", "2", "writeQueueNums", "2", "perm", "6"), null).code());
        assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup",
                "CG-shrunk", "topic", "Shrunk", "queueId", "2", "commitOffset", "3"), null).code());
        assertEquals("3", ask(b.address(), RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG-shrunk",
                "topic", "Shrunk", "queueId", "2"), null).ext("offset"));
    }

    /**
     * A power loss under ASYNC_FLUSH can keep consumer offsets (synced with each checkpoint) past the log's recovered
     * end. New messages then take the offsets in between: the group must get them, so its offset goes back to the end.
     */
    @Test
    void anOffsetBeyondItsQueuesEndAfterTheLogLostATailIsSetBackToTheEnd() throws Exception {
        Path data = dir.resolve("data");
        Broker b = broker(data, "127.0.0.1:9", Map.of());
        createTopic(b, "Kept");
        Map<String, String> send = Map.of("a", "PG", "b", "Kept", "c", "TBW102", "d", "3", "e", "0", "f", "0", "g", "1",
                "h", "0");
        for (int i = 0; i < 5; i++) {
            assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.SEND_MESSAGE_V2, send, "x".getBytes()).code());
        }
        running.remove(b);
        b.close();
        try (MetadataStore metadata = MetadataStore.open(data.resolve("metadata"))) { // as the power loss left it
            metadata.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG).put("Kept@CG-kept@0", 8L);
        }

        Broker again = broker(data, "127.0.0.1:9", Map.of());
        RemotingCommand offset = ask(again.address(), RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG-kept",
                "topic", "Kept", "queueId", "0"), null);
        assertEquals("5", offset.ext("offset"), "back to the queue's end, where the next message goes");

        // a consumer that stayed connected across that restart still holds 8; producers write two messages (5 and 6)
        for (int i = 0; i < 2; i++) {
            assertEquals(ResponseCode.SUCCESS, ask(again.address(), RequestCode.SEND_MESSAGE_V2, send, "y".getBytes()).code());
        }
        assertEquals(ResponseCode.SUCCESS, ask(again.address(), RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup",
                "CG-kept", "topic", "Kept", "queueId", "0", "commitOffset", "8"), null).code());
        assertEquals("5", ask(again.address(), RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG-kept",
                "topic", "Kept", "queueId", "0"), null).ext("offset"), "a commit past the end is not taken");
        Map<String, String> pull = new HashMap<>(Map.of("consumerGroup", "CG-kept", "topic", "Kept", "queueId", "0",
                "queueOffset", "8", "maxMsgNums", "32", "sysFlag", "1", "commitOffset", "8", "suspendTimeoutMillis", "0",
                "subVersion", "0"));
        RemotingCommand moved = ask(again.address(), RequestCode.PULL_MESSAGE, pull, null);
        assertEquals(ResponseCode.PULL_OFFSET_MOVED, moved.code(), moved.remark());
        assertEquals("5", moved.ext("nextBeginOffset"), "back where the group's progress is: the two new ones come next");
    }
}
