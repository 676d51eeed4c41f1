package dev.halfmoon.broker.lock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.broker.TestBrokers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.LockBatchBody;
import dev.halfmoon.remoting.body.LockBatchResult;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.SubscriptionData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordered-queue locks over real connections: a lock outlives its holder's connection (the client may still be
 * consuming what it pulled), goes to another member only once released or expired.
 */
@Timeout(60)
class QueueLockTest {
    static final MessageQueueRef QUEUE = new MessageQueueRef("Ordered", "broker-a", 0);

    @TempDir
    Path dir;

    @Test
    void aLockOutlivesItsHoldersConnectionAndGoesToAnotherMemberOnlyOnceReleased() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "brokerName", "broker-a");
             RemotingClient a = new RemotingClient("consumer-a");
             RemotingClient b = new RemotingClient("consumer-b")) {
            String at = broker.address();
            heartbeat(a, at, "A");
            heartbeat(b, at, "B");
            assertEquals(Set.of(QUEUE), lock(a, at, "A"));
            assertEquals(Set.of(), lock(b, at, "B"), "held by A");

            a.closeChannel(at); // A's connection drops while it still consumes what it pulled
            await().atMost(Duration.ofSeconds(10)).until(() -> members(b, at).equals("[\"B\"]"));
            assertEquals(Set.of(), lock(b, at, "B"), "still A's: it may be consuming");

            heartbeat(a, at, "A"); // A reconnects and renews
            assertEquals(Set.of(QUEUE), lock(a, at, "A"));
            assertEquals(ResponseCode.SUCCESS, a.invokeSync(at, RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ, Map.of(),
                    Json.encode(new LockBatchBody("CG", "A", false, Set.of(QUEUE)))), 5000).code());
            assertEquals(Set.of(QUEUE), lock(b, at, "B"), "released by its holder");
        }
    }

    /** A body without a client id would leave a lock no member holds, blocking the queue until the broker restarts. */
    @Test
    void aLockRequestWithoutAClientIdIsRefusedAndLocksNothing() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "brokerName", "broker-a");
             RemotingClient a = new RemotingClient("consumer-a")) {
            String at = broker.address();
            heartbeat(a, at, "A");
            RemotingCommand r = a.invokeSync(at, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, Map.of(),
                    "{\"consumerGroup\":\"CG\",\"mqSet\":[{\"topic\":\"Ordered\",\"brokerName\":\"broker-a\",\"queueId\":0}]}"
                            .getBytes(StandardCharsets.UTF_8)), 5000);
            assertEquals(ResponseCode.SYSTEM_ERROR, r.code());
            org.junit.jupiter.api.Assertions.assertTrue(r.remark().contains("clientId"), r.remark());
            assertEquals(Set.of(QUEUE), lock(a, at, "A"), "the queue is still free");
        }
    }

    private static void heartbeat(RemotingClient client, String at, String clientId) {
        ConsumerData consumer = new ConsumerData("CG", "CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET",
                Set.of(new SubscriptionData("Ordered", "*", Set.of(), Set.of(), 0, "TAG", false)), false);
        RemotingCommand r = client.invokeSync(at, RemotingCommand.request(RequestCode.HEART_BEAT, Map.of(),
                Json.encode(new HeartbeatData(clientId, Set.of(), Set.of(consumer)))), 5000);
        assertEquals(ResponseCode.SUCCESS, r.code(), r.remark());
    }

    private static Set<MessageQueueRef> lock(RemotingClient client, String at, String clientId) {
        RemotingCommand r = client.invokeSync(at, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, Map.of(),
                Json.encode(new LockBatchBody("CG", clientId, false, Set.of(QUEUE)))), 5000);
        assertEquals(ResponseCode.SUCCESS, r.code(), r.remark());
        return Json.decode(r.body(), LockBatchResult.class).lockOKMQSet();
    }

    private static String members(RemotingClient client, String at) {
        RemotingCommand r = client.invokeSync(at, RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP,
                Map.of("consumerGroup", "CG"), null), 5000);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        return body.substring(body.indexOf('['), body.indexOf(']') + 1);
    }
}
