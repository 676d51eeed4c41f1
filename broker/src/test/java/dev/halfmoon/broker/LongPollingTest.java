package dev.halfmoon.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held pulls: answered as soon as an idle queue gets a message, batched while messages keep coming;
 * pulls far behind the queue's end (read on the pull executor) and near it (on the network thread)
 * both get every message (counted by the offsets they answer with).
 */
@Timeout(60)
class LongPollingTest {
    private static final int SUSPEND = 2;

    @TempDir
    Path dir;

    @Test
    void anIdleQueueAnswersAtOnceAndABusyOneAnswersWithEverythingThatArrivedInTheWindow() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "pullBatchWindowMicros", "100000");
             RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 1);

            CompletableFuture<RemotingCommand> first = heldPull(client, broker, 0);
            send(client, broker, 1);
            long sent = System.nanoTime();
            RemotingCommand answered = first.get(10, TimeUnit.SECONDS);
            long waitedMs = (System.nanoTime() - sent) / 1_000_000;
            assertEquals(ResponseCode.SUCCESS, answered.code());
            assertEquals("1", answered.ext("nextBeginOffset"));
            assertTrue(waitedMs < 80, "an idle queue's first message is answered at once, not after the 100 ms window: "
                    + waitedMs + " ms");

            // the queue was just answered, so messages that keep coming within the window wait for one answer;
            // a pause of the test itself longer than the window makes the queue idle again (answered at once),
            // so a few rounds are allowed on a slow machine
            long offset = 1;
            long carried = 0;
            for (int round = 0; round < 5 && carried <= 1; round++) {
                CompletableFuture<RemotingCommand> held = heldPull(client, broker, offset);
                send(client, broker, 20);
                RemotingCommand batched = held.get(10, TimeUnit.SECONDS);
                assertEquals(ResponseCode.SUCCESS, batched.code());
                long next = Long.parseLong(batched.ext("nextBeginOffset"));
                carried = next - offset;
                offset += 20;
            }
            assertTrue(carried > 1, "one answer carried " + carried + " of the 20 messages sent inside the window");
        }
    }

    /** Messages a consumer's tag filter rejects do not wake its held pull (which would come straight back, empty). */
    @Test
    void aHeldPullWaitsOnThroughMessagesItsTagFilterRejects() throws Exception {
        try (Broker broker = TestBrokers.start(dir); RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 1);
            CompletableFuture<RemotingCommand> held = client.invokeAsync(broker.address(), RemotingCommand.request(
                    RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g-tagged", "topic", "Held", "queueId", "0",
                            "queueOffset", "0", "maxMsgNums", "32", "sysFlag", Integer.toString(SUSPEND | 4),
                            "suspendTimeoutMillis", "20000", "subscription", "TagA", "expressionType", "TAG"), null), 30_000);
            sendTagged(client, broker, "TagB", 5);
            await().atMost(Duration.ofSeconds(5)).until(() -> "5".equals(client.invokeSync(broker.address(),
                    RemotingCommand.request(RequestCode.GET_MAX_OFFSET, Map.of("topic", "Held", "queueId", "0"), null), 5000)
                    .ext("offset")));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
            sendTagged(client, broker, "TagA", 1);
            RemotingCommand answered = held.get(10, TimeUnit.SECONDS);
            assertEquals(ResponseCode.SUCCESS, answered.code(), answered.remark());
            assertEquals("6", answered.ext("nextBeginOffset"));
        }
    }

    private static void sendTagged(RemotingClient client, Broker broker, String tag, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                    RequestCode.SEND_MESSAGE_V2, Map.of("a", "PG", "b", "Held", "c", "TBW102", "d", "1", "e", "0", "f", "0",
                            "g", "1", "h", "0", "i", "TAGS\u0001" + tag + "\u0002"), "x".getBytes()), 5000).code());
        }
    }

    @Test
    void pullsFarBehindAndNearTheEndGetEveryMessage() throws Exception {
        for (String maxLag : new String[] {"5", "-1"}) {
            Path data = dir.resolve("lag" + maxLag);
            try (Broker broker = TestBrokers.start(data, "pullOnNetworkThreadMaxLag", maxLag);
                 RemotingClient client = new RemotingClient("test")) {
                assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                        RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Held", "readQueueNums", "1", "writeQueueNums", "1",
                                "perm", "6"), null), 5000).code());
                send(client, broker, 50);
                // 50 and 18 behind: the pull executor when maxLag is 5 (and always when -1)
                RemotingCommand first = heldPull(client, broker, 0).get(10, TimeUnit.SECONDS);
                assertEquals(ResponseCode.SUCCESS, first.code(), "maxLag " + maxLag);
                assertEquals("32", first.ext("nextBeginOffset"));
                RemotingCommand second = heldPull(client, broker, 32).get(10, TimeUnit.SECONDS);
                assertEquals(ResponseCode.SUCCESS, second.code());
                assertEquals("50", second.ext("nextBeginOffset"));
                // at the end: held on the network thread's side, answered when the next message arrives
                CompletableFuture<RemotingCommand> held = heldPull(client, broker, 50);
                send(client, broker, 1);
                RemotingCommand third = held.get(10, TimeUnit.SECONDS);
                assertEquals(ResponseCode.SUCCESS, third.code());
                assertEquals("51", third.ext("nextBeginOffset"));
            }
        }
    }

    @Test
    void moreHeldPullsThanTheDispatchThreadChecksItselfAreAllAnswered() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true");
             RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 1);
            java.util.List<CompletableFuture<RemotingCommand>> held = new java.util.ArrayList<>();
            for (int group = 0; group < 100; group++) { // above the 64 the dispatch thread checks after its turn
                held.add(heldPull(client, broker, 0, "g" + group));
            }
            awaitHeld(broker, 100);
            send(client, broker, 1);
            for (CompletableFuture<RemotingCommand> pull : held) {
                RemotingCommand answer = pull.get(10, TimeUnit.SECONDS);
                assertEquals(ResponseCode.SUCCESS, answer.code());
                assertEquals("1", answer.ext("nextBeginOffset"));
            }
        }
    }

    /** A message wakes the pulls held on its queue only; those on other queues wait until their own deadline. */
    @Test
    void aMessageWakesThePullsOnItsQueueAndTheOthersEndAtTheirDeadline() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true");
             RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 2);
            long begin = System.nanoTime();
            CompletableFuture<RemotingCommand> other = client.invokeAsync(broker.address(), RemotingCommand.request(
                    RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g", "topic", "Held", "queueId", "1",
                            "queueOffset", "0", "maxMsgNums", "32", "sysFlag", Integer.toString(SUSPEND),
                            "suspendTimeoutMillis", "1500"), null), 30_000);
            CompletableFuture<RemotingCommand> woken = heldPull(client, broker, 0);
            awaitHeld(broker, 2);
            send(client, broker, 1); // to queue 0
            assertEquals(ResponseCode.SUCCESS, woken.get(5, TimeUnit.SECONDS).code());
            assertTrue(!other.isDone(), "the pull on queue 1 still waits");
            assertEquals(ResponseCode.PULL_NOT_FOUND, other.get(10, TimeUnit.SECONDS).code());
            long waitedMs = (System.nanoTime() - begin) / 1_000_000;
            assertTrue(waitedMs >= 1400 && waitedMs < 5000, "answered at its deadline: " + waitedMs + " ms");
        }
    }

    @Test
    void aGroupThatMayNotConsumeIsRefusedItsPulls() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "autoCreateSubscriptionGroup", "false");
             RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 1);
            RemotingCommand unknown = heldPull(client, broker, 0, "never-created").get(10, TimeUnit.SECONDS);
            assertEquals(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, unknown.code(), unknown.remark());

            var disabled = new dev.halfmoon.remoting.body.SubscriptionGroupConfig("paused", false, true, true, 1, 16, 0, 1, true);
            assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                    RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, Map.of(), dev.halfmoon.remoting.Json.encode(disabled)),
                    5000).code());
            RemotingCommand paused = heldPull(client, broker, 0, "paused").get(10, TimeUnit.SECONDS);
            assertEquals(ResponseCode.NO_PERMISSION, paused.code(), paused.remark());
            assertTrue(paused.remark().contains("consumeEnable"), paused.remark());
        }
    }

    @Test
    void aGroupsLagIsExportedFromTheStartNotOnlyAfterItsFirstDeliverySinceARestart() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true");
             RemotingClient client = new RemotingClient("test")) {
            createHeld(client, broker, 1);
            send(client, broker, 3);
            // (a commit beyond what the consume queue holds is not taken: the three must be dispatched first)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> broker.store().maxQueueOffset("Held", 0) == 3);
            assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                    RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup", "stuck", "topic", "Held", "queueId", "0",
                            "commitOffset", "1"), null), 5000).code());
        }
        // restarted: the stuck group pulls nothing, and its lag is what an alert must see
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true")) {
            java.net.URI metrics = java.net.URI.create(broker.httpAddress().orElseThrow() + "/metrics");
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("halfmoon_consumer_lag{group=\"stuck\",topic=\"Held\"} 2.0"), body);
        }
    }

    private static void createHeld(RemotingClient client, Broker broker, int queues) {
        assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Held", "readQueueNums", Integer.toString(queues),
                        "writeQueueNums", Integer.toString(queues), "perm", "6"), null), 5000).code());
    }

    /** Waits until the broker's metrics say {@code count} pulls are held (its HTTP server on). */
    private static void awaitHeld(Broker broker, int count) {
        java.net.URI metrics = java.net.URI.create(broker.httpAddress().orElseThrow() + "/metrics");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> http.send(
                java.net.http.HttpRequest.newBuilder(metrics).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .body().contains("halfmoon_pulls_held " + count + ".0"));
    }

    private static CompletableFuture<RemotingCommand> heldPull(RemotingClient client, Broker broker, long offset) {
        return heldPull(client, broker, offset, "g");
    }

    private static CompletableFuture<RemotingCommand> heldPull(RemotingClient client, Broker broker, long offset, String group) {
        return client.invokeAsync(broker.address(), RemotingCommand.request(RequestCode.PULL_MESSAGE, Map.of(
                "consumerGroup", group, "topic", "Held", "queueId", "0", "queueOffset", Long.toString(offset),
                "maxMsgNums", "32", "sysFlag", Integer.toString(SUSPEND), "suspendTimeoutMillis", "20000"), null), 30_000);
    }

    private static void send(RemotingClient client, Broker broker, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), RemotingCommand.request(
                    RequestCode.SEND_MESSAGE_V2, Map.of("a", "PG", "b", "Held", "c", "TBW102", "d", "1", "e", "0", "f", "0",
                            "g", "1", "h", "0"), "x".getBytes()), 5000).code());
        }
    }
}
