package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests of RocketMQ 5's admin tool (mqadmin 5.x) that the 4.9.8 tool in the interop tests does not send. */
@Timeout(60)
class ToolingRequestsTest {
    @TempDir
    Path dir;

    private static RemotingCommand ask(RemotingClient client, Broker broker, int code, Map<String, String> headers,
                                       byte[] body) throws Exception {
        return client.invokeSync(broker.address(), RemotingCommand.request(code, headers, body), 3000);
    }

    @Test
    void getTopicConfigAnswersTheTopicAsTopicStatusAndConsumerProgressOf5xExpect() throws Exception {
        try (Broker broker = TestBrokers.start(dir); RemotingClient client = new RemotingClient("tools-5x")) {
            assertEquals(ResponseCode.SUCCESS, ask(client, broker, RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Shown",
                    "readQueueNums", "3", "writeQueueNums", "3", "perm", "6"), null).code());
            RemotingCommand config = ask(client, broker, RequestCode.GET_TOPIC_CONFIG, Map.of("topic", "Shown"), null);
            assertEquals(ResponseCode.SUCCESS, config.code(), config.remark());
            Map<?, ?> body = Json.decode(config.body(), Map.class);
            assertEquals("Shown", body.get("topicName"));
            assertEquals(3, ((Number) body.get("writeQueueNums")).intValue());
            assertEquals(6, ((Number) body.get("perm")).intValue());
            assertEquals(ResponseCode.TOPIC_NOT_EXIST,
                    ask(client, broker, RequestCode.GET_TOPIC_CONFIG, Map.of("topic", "Unknown"), null).code());
        }
    }

    /** mqadmin 5.x resetOffsetByTime -q 1 -o 2: queue 1 of the group goes to offset 2, and no other queue moves. */
    @Test
    void aResetNamingOneQueueAndAnOffsetMovesThatQueueOnly() throws Exception {
        try (Broker broker = TestBrokers.start(dir); RemotingClient client = new RemotingClient("tools-5x")) {
            ask(client, broker, RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Reset", "readQueueNums", "2",
                    "writeQueueNums", "2", "perm", "6"), null);
            for (int q = 0; q < 2; q++) {
                for (int i = 0; i < 5; i++) {
                    assertEquals(ResponseCode.SUCCESS, ask(client, broker, RequestCode.SEND_MESSAGE_V2, Map.of("a", "PG",
                            "b", "Reset", "c", "TBW102", "d", "2", "e", Integer.toString(q), "f", "0", "g",
                            Long.toString(System.currentTimeMillis()), "h", "0"), "x".getBytes(StandardCharsets.UTF_8)).code());
                }
                String queue = Integer.toString(q);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> "5".equals(ask(client,
                        broker, RequestCode.GET_MAX_OFFSET, Map.of("topic", "Reset", "queueId", queue), null).ext("offset")));
                ask(client, broker, RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup", "CG", "topic", "Reset",
                        "queueId", queue, "commitOffset", "5"), null);
            }
            RemotingCommand reset = ask(client, broker, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Reset",
                    "group", "CG", "timestamp", "0", "isForce", "false", "queueId", "1", "offset", "2"), null);
            assertEquals(ResponseCode.SUCCESS, reset.code(), reset.remark());
            assertEquals("5", ask(client, broker, RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG",
                    "topic", "Reset", "queueId", "0"), null).ext("offset"), "queue 0 untouched");
            assertEquals("2", ask(client, broker, RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", "CG",
                    "topic", "Reset", "queueId", "1"), null).ext("offset"));
            assertTrue(ask(client, broker, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Reset", "group", "CG",
                    "timestamp", "0", "queueId", "7", "offset", "0"), null).remark().contains("no queue 7"));
        }
    }

    /** The delay scheduler keeps its progress as offsets of HALFMOON_SCHEDULE: losing them would deliver every delayed message again. */
    @Test
    void theSchedulersProgressGroupCanNeitherBeDeletedNorReset() throws Exception {
        try (Broker broker = TestBrokers.start(dir); RemotingClient client = new RemotingClient("tools-5x")) {
            RemotingCommand delete = ask(client, broker, RequestCode.DELETE_SUBSCRIPTIONGROUP, Map.of("groupName",
                    "HALFMOON_SCHEDULE", "removeOffset", "true"), null);
            assertEquals(ResponseCode.SYSTEM_ERROR, delete.code());
            assertTrue(delete.remark().contains("system group"), delete.remark());
            RemotingCommand reset = ask(client, broker, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic",
                    "SCHEDULE_TOPIC_XXXX", "group", "HALFMOON_SCHEDULE", "timestamp", "0", "isForce", "true"), null);
            assertEquals(ResponseCode.SYSTEM_ERROR, reset.code(), reset.remark());
        }
    }

    /** mqadmin consumerStatus: the broker asks the consumer, and the operator's credentials are not passed on to it. */
    @Test
    void whatTheBrokerRelaysToAConsumerCarriesNoCredentials() throws Exception {
        try (Broker broker = TestBrokers.start(dir); RemotingClient consumer = new RemotingClient("consumer");
             RemotingClient admin = new RemotingClient("admin")) {
            java.util.concurrent.CompletableFuture<Map<String, String>> relayed = new java.util.concurrent.CompletableFuture<>();
            consumer.register(RequestCode.GET_CONSUMER_RUNNING_INFO, (ch, req) -> {
                relayed.complete(req.extFields());
                return java.util.concurrent.CompletableFuture.completedFuture(RemotingCommand.response(req, 0, null)
                        .withBody("{}".getBytes(StandardCharsets.UTF_8)));
            }, Runnable::run);
            dev.halfmoon.remoting.body.ConsumerData data = new dev.halfmoon.remoting.body.ConsumerData("CG-seen",
                    "CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET", java.util.Set.of(), false);
            assertEquals(ResponseCode.SUCCESS, ask(consumer, broker, RequestCode.HEART_BEAT, Map.of(), Json.encode(
                    new dev.halfmoon.remoting.body.HeartbeatData("client-1", java.util.Set.of(), java.util.Set.of(data)))).code());
            RemotingCommand status = ask(admin, broker, RequestCode.GET_CONSUMER_RUNNING_INFO, Map.of("consumerGroup",
                    "CG-seen", "clientId", "client-1", "jstackEnable", "false", "AccessKey", "operator",
                    "Signature", "c2lnbmVk"), null);
            assertEquals(ResponseCode.SUCCESS, status.code(), status.remark());
            Map<String, String> seen = relayed.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("CG-seen", seen.get("consumerGroup"));
            assertTrue(!seen.containsKey("AccessKey") && !seen.containsKey("Signature"), seen.toString());
        }
    }
}
