package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ProducerConsumerTest extends ClientTestBase {
    @Test
    void syncAsyncOnewayBatchAndDelayedSendsAreConsumedOnce() {
        topic("Orders", 4);
        Producer producer = track(Producer.start(options, "PG"));
        Set<String> sent = new HashSet<>();
        SendReceipt r = producer.send(Message.builder("Orders").body("sync".getBytes()).keys("order-1").tag("eu").build());
        assertEquals(32, r.messageId().length());
        sent.add("sync");
        List<CompletableFuture<SendReceipt>> async = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            async.add(producer.sendAsync(message("Orders", "async-" + i)));
            sent.add("async-" + i);
        }
        async.forEach(CompletableFuture::join);
        producer.sendOneway(message("Orders", "oneway"));
        sent.add("oneway");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(message("Orders", "batch-" + i));
            sent.add("batch-" + i);
        }
        List<SendReceipt> receipts = producer.send(batch);
        assertEquals(5, receipts.size());
        assertEquals(receipts.get(0).queueOffset() + 4, receipts.get(4).queueOffset());
        long sentAt = System.currentTimeMillis();
        producer.send(Message.builder("Orders").body("delayed".getBytes()).delayLevel(2).build());
        sent.add("delayed");

        Map<String, Long> arrived = new ConcurrentHashMap<>();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, "CG").subscribe("Orders", "*").rebalanceInterval(Duration.ofMillis(500))
                .handler(m -> {
                    seen.merge(body(m), 1, Integer::sum);
                    arrived.putIfAbsent(body(m), System.currentTimeMillis());
                    return ConsumeResult.SUCCESS;
                }).start());
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.keySet().containsAll(sent));
        seen.forEach((b, n) -> assertEquals(1, n, b));
        assertTrue(arrived.get("delayed") - sentAt >= 2000, "delayed message came early");
    }

    @Test
    void sendsWithOneKeyStayInOneQueueAndInOrder() {
        topic("Steps", 4);
        Producer producer = track(Producer.start(options, "PG"));
        Set<Integer> queues = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            queues.add(producer.send(message("Steps", "order-7:" + i), "order-7").queueId());
        }
        assertEquals(1, queues.size());
        List<Integer> steps = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-steps").subscribe("Steps", "*").ordered().rebalanceInterval(Duration.ofMillis(500))
                .handler(m -> {
                    steps.add(Integer.parseInt(body(m).split(":")[1]));
                    return ConsumeResult.SUCCESS;
                }).start());
        await().atMost(Duration.ofSeconds(30)).until(() -> steps.size() >= 20);
        for (int i = 0; i < 20; i++) {
            assertEquals(i, steps.get(i));
        }
    }

    @Test
    void tagsFilterAndFailedMessagesAreRedelivered() {
        topic("Tagged", 2);
        Producer producer = track(Producer.start(options, "PG"));
        for (String tag : List.of("a", "b", "a", "c")) {
            producer.send(Message.builder("Tagged").body(("tag-" + tag + "-" + System.nanoTime()).getBytes()).tag(tag).build());
        }
        Map<String, Integer> onlyA = consume("CG-tags", "Tagged", "a || c");
        await().atMost(Duration.ofSeconds(20)).until(() -> onlyA.size() == 3);
        assertTrue(onlyA.keySet().stream().noneMatch(b -> b.startsWith("tag-b")));

        List<Integer> attempts = new CopyOnWriteArrayList<>();
        producer.send(message("Tagged", "flaky"));
        track(PushConsumer.builder(options, "CG-retry").subscribe("Tagged", "*").rebalanceInterval(Duration.ofMillis(500))
                .handler(m -> {
                    if (body(m).equals("flaky")) {
                        attempts.add(m.reconsumeTimes());
                        return m.reconsumeTimes() == 0 ? ConsumeResult.RETRY_LATER : ConsumeResult.SUCCESS;
                    }
                    return ConsumeResult.SUCCESS;
                }).start());
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= 2);
        assertEquals(List.of(0, 1), attempts.subList(0, 2));
    }

    @Test
    void aHandlerThatThrowsAnErrorFailsItsMessageNotItsQueue() {
        topic("Fragile", 1);
        Producer producer = track(Producer.start(options, "PG"));
        List<String> seen = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-fragile").subscribe("Fragile", "*").rebalanceInterval(Duration.ofMillis(300))
                .handler(m -> {
                    seen.add(body(m));
                    if (body(m).equals("boom") && m.reconsumeTimes() == 0) {
                        throw new AssertionError("a bug in the handler");
                    }
                    return ConsumeResult.SUCCESS;
                }).start());
        producer.send(message("Fragile", "boom"));
        producer.send(message("Fragile", "after"));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("after") && seen.stream().filter("boom"::equals).count() == 2);
    }

    @Test
    void aBroadcastingMemberRetriesAFailedMessageItselfSinceNoMemberReadsTheRetryTopic() {
        topic("Notices", 1);
        Producer producer = track(Producer.start(options, "PG"));
        List<String> seen = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-notices").subscribe("Notices", "*").broadcasting(dir.resolve("notices.json"))
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    seen.add(body(m));
                    return seen.size() < 3 ? ConsumeResult.RETRY_LATER : ConsumeResult.SUCCESS;
                }).start());
        producer.send(message("Notices", "notice"));
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 3);
        assertEquals(List.of("notice", "notice", "notice"), seen);
    }

    @Test
    void aGroupSharesQueuesAndBroadcastingReachesEveryone() {
        topic("Shared", 4);
        Producer producer = track(Producer.start(options, "PG"));
        PushConsumer first = track(PushConsumer.builder(options, "CG-shared").subscribe("Shared", "*")
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> ConsumeResult.SUCCESS).start());
        PushConsumer second = track(PushConsumer.builder(options, "CG-shared").subscribe("Shared", "*")
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> ConsumeResult.SUCCESS).start());
        await().atMost(Duration.ofSeconds(20)).until(() -> topicQueues(first) == 2 && topicQueues(second) == 2);

        Map<String, Integer> a = new ConcurrentHashMap<>();
        Map<String, Integer> b = new ConcurrentHashMap<>();
        for (Map<String, Integer> seen : List.of(a, b)) {
            track(PushConsumer.builder(options, "CG-all").subscribe("Shared", "*")
                    .broadcasting(dir.resolve(seen == a ? "member-a" : "member-b").resolve("offsets.json"))
                    .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                        seen.merge(body(m), 1, Integer::sum);
                        return ConsumeResult.SUCCESS;
                    }).start());
        }
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            producer.send(message("Shared", "b-" + i));
            sent.add("b-" + i);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> a.keySet().containsAll(sent) && b.keySet().containsAll(sent));
    }

    @Test
    void aBroadcastingMemberGoesOnWhereItStoppedAfterARestart() throws Exception {
        topic("Notices", 2);
        Producer producer = track(Producer.start(options, "PG"));
        java.nio.file.Path offsets = dir.resolve("notices").resolve("offsets.json");
        Map<String, Integer> before = new ConcurrentHashMap<>();
        PushConsumer member = PushConsumer.builder(options, "CG-notices").subscribe("Notices", "*").broadcasting(offsets)
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    before.merge(body(m), 1, Integer::sum);
                    return ConsumeResult.SUCCESS;
                }).start();
        for (int i = 0; i < 5; i++) {
            producer.send(message("Notices", "n-" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> before.size() == 5 && storedTotal(offsets) == 5);
        IllegalStateException shared = assertThrows(IllegalStateException.class, () -> PushConsumer.builder(options,
                "CG-notices").subscribe("Notices", "*").broadcasting(offsets).handler(m -> ConsumeResult.SUCCESS).start());
        assertTrue(shared.getMessage().contains("another broadcasting member"), shared.getMessage());
        member.close();

        for (int i = 5; i < 8; i++) {
            producer.send(message("Notices", "n-" + i));
        }
        Map<String, Integer> after = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, "CG-notices").subscribe("Notices", "*").broadcasting(offsets)
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    after.merge(body(m), 1, Integer::sum);
                    return ConsumeResult.SUCCESS;
                }).start());
        await().atMost(Duration.ofSeconds(20)).until(() -> after.size() >= 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> after.size() == 3);
        assertEquals(Map.of("n-5", 1, "n-6", 1, "n-7", 1), after, "only what came while it was down");
    }

    /** A batch is sent as is or not at all: a delayed message in it is refused (the official client refuses it too). */
    @Test
    void aBatchWithADelayedMessageIsRefusedWhole() {
        topic("Batched", 1);
        Producer producer = track(Producer.start(options, "PG"));
        ClientException.Rejected refused = assertThrows(ClientException.Rejected.class, () -> producer.send(List.of(
                message("Batched", "plain"), Message.builder("Batched").body(new byte[] {1}).property("DELAY", "2").build())));
        assertTrue(refused.getMessage().contains("cannot be delayed"), refused.getMessage());
        assertEquals(2, producer.send(List.of(message("Batched", "a"), message("Batched", "b"))).size());
        await().atMost(Duration.ofSeconds(5)).until(() -> halfmoon.running.broker().store().maxQueueOffset("Batched", 0) == 2);
    }

    /** What an application chains on sendAsync runs off the client's network thread: it may send, synchronously. */
    @Test
    void aSyncSendInsideAnAsyncSendsCallbackCompletes() throws Exception {
        topic("Chained", 1);
        Producer producer = track(Producer.start(options, "PG"));
        SendReceipt second = producer.sendAsync(message("Chained", "first"))
                .thenApply(r -> producer.send(message("Chained", "second"))).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("Chained", second.topic());
        String[] thread = new String[1];
        producer.sendAsync(message("Chained", "third")).thenAccept(r -> thread[0] = Thread.currentThread().getName())
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(!thread[0].contains("-client-"), "not the network thread: " + thread[0]);
    }

    /** An operator's reset moves a broadcasting member's saved offsets back too, so a restart does not skip the rest. */
    @Test
    void aResetMovesABroadcastingMembersSavedOffsetsBack() throws Exception {
        topic("Bulletin", 1);
        Producer producer = track(Producer.start(options, "PG"));
        java.nio.file.Path offsets = dir.resolve("bulletin").resolve("offsets.json");
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        track(PushConsumer.builder(options, "CG-bulletin").subscribe("Bulletin", "*").broadcasting(offsets)
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    if (seen.merge(body(m), 1, Integer::sum) == 2 && body(m).equals("b2")) {
                        release.await(30, java.util.concurrent.TimeUnit.SECONDS); // the second pass stops here
                    }
                    return ConsumeResult.SUCCESS;
                }).start());
        for (int i = 0; i < 5; i++) {
            producer.send(message("Bulletin", "b" + i));
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 5 && storedTotal(offsets, "Bulletin") == 5);
            try (dev.halfmoon.remoting.RemotingClient admin = new dev.halfmoon.remoting.RemotingClient("reset")) {
                assertEquals(0, admin.invokeSync(halfmoon.brokerAddress(), dev.halfmoon.remoting.RemotingCommand.request(
                        dev.halfmoon.remoting.RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Bulletin", "group",
                                "CG-bulletin", "timestamp", "0", "isForce", "true"), null), 3000).code());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(offsets, "Bulletin") == 2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void propertiesOnlyTheBrokerMayWriteAreDroppedFromWhatClientsSend() {
        topic("Marked", 1);
        Producer producer = track(Producer.start(options, "PG"));
        Map<String, String> seen = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, "CG-marked").subscribe("Marked", "*").rebalanceInterval(Duration.ofMillis(300))
                .handler(m -> {
                    seen.putAll(m.properties());
                    return ConsumeResult.SUCCESS;
                }).start());
        producer.send(Message.builder("Marked").body(new byte[] {1}).property("HM_DELAY_FROM", "1:0")
                .property("HM_ORIGIN", "0").property("app", "kept").build());
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsKey("app"));
        assertEquals("kept", seen.get("app"));
        assertTrue(seen.keySet().stream().noneMatch(k -> k.startsWith("HM_")), seen.toString());
    }

    /** Sum of the offsets in a broadcasting member's offset file, 0 while it has none. */
    @SuppressWarnings("unchecked")
    private static long storedTotal(java.nio.file.Path file) throws java.io.IOException {
        return storedTotal(file, "Notices");
    }

    @SuppressWarnings("unchecked")
    private static long storedTotal(java.nio.file.Path file, String topic) throws java.io.IOException {
        if (!java.nio.file.Files.exists(file)) {
            return 0;
        }
        Map<String, Number> m = dev.halfmoon.remoting.Json.decode(java.nio.file.Files.readAllBytes(file), Map.class);
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(topic + "@")).mapToLong(e -> e.getValue().longValue()).sum();
    }

    private static long topicQueues(PushConsumer c) {
        return c.assignedQueues().stream().filter(q -> q.topic().equals("Shared")).count();
    }

    @Test
    void pullConsumerPollsCommitsAndResumes() {
        topic("Pulled", 2);
        Producer producer = track(Producer.start(options, "PG"));
        for (int i = 0; i < 10; i++) {
            producer.send(message("Pulled", "p-" + i));
        }
        Set<String> got = new HashSet<>();
        try (PullConsumer consumer = PullConsumer.start(options, "CG-pull")) {
            consumer.assign(consumer.queues("Pulled"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(m -> got.add(body(m)));
                return got.size() == 10;
            });
            consumer.commit();
        }
        for (int i = 10; i < 15; i++) {
            producer.send(message("Pulled", "p-" + i));
        }
        Set<String> later = new HashSet<>();
        try (PullConsumer consumer = PullConsumer.start(options, "CG-pull")) {
            consumer.assign(consumer.queues("Pulled"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(m -> later.add(body(m)));
                return later.size() == 5;
            });
        }
        assertEquals(Set.of("p-10", "p-11", "p-12", "p-13", "p-14"), later);
    }

    @Test
    void errorsAreTypedAndSayWhatToDo() {
        Producer producer = track(Producer.start(options, "PG"));
        ClientException.NoRoute noRoute = assertThrows(ClientException.NoRoute.class,
                () -> producer.send(message("Missing", "x")));
        assertTrue(noRoute.getMessage().contains("Missing"));
        Producer nowhere = Producer.start(ClientOptions.of("127.0.0.1:1").withRequestTimeout(Duration.ofMillis(500)), "PG");
        ClientException.Unavailable down = assertThrows(ClientException.Unavailable.class,
                () -> nowhere.send(message("Missing", "x")));
        assertTrue(down.getMessage().contains("127.0.0.1:1"), down.getMessage());
        nowhere.close();
        assertThrows(ClientException.Closed.class, () -> nowhere.send(message("Missing", "x")));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.of("no-port"));
    }

    @Test
    void offsetsMovePastEachMessageSoAMemberStoppingMidBatchLeavesOnlyTheMessageInHand() throws Exception {
        sent("Batch", 1, "b", 10);
        java.util.concurrent.CountDownLatch inHand = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        PushConsumer consumer = track(PushConsumer.builder(options, "CG-batch").subscribe("Batch", "*").handler(m -> {
            if (body(m).equals("b5")) { // the ten came in one pull; the sixth takes long
                inHand.countDown();
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            return ConsumeResult.SUCCESS;
        }).start());
        assertTrue(inHand.await(30, java.util.concurrent.TimeUnit.SECONDS));
        try (dev.halfmoon.remoting.RemotingClient admin = new dev.halfmoon.remoting.RemotingClient("offset-check")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                var r = admin.invokeSync(halfmoon.brokerAddress(), dev.halfmoon.remoting.RemotingCommand.request(
                        dev.halfmoon.remoting.RequestCode.QUERY_CONSUMER_OFFSET,
                        Map.of("consumerGroup", "CG-batch", "topic", "Batch", "queueId", "0"), null), 3000);
                return "5".equals(r.ext("offset"));
            });
        } finally {
            release.countDown();
        }
        consumer.close();
    }

    /**
     * An operator resets a group's offsets while its consumer waits on a held pull: the consumer reads again from the
     * reset at once (not when the held pull ends, 15 s later), and its own commits do not undo the reset.
     */
    @Test
    void aConsumerFollowsAnOperatorsOffsetResetAtOnce() {
        topic("Rewind", 2);
        Producer producer = track(Producer.start(options, "PG"));
        for (int i = 0; i < 10; i++) {
            producer.send(message("Rewind", "r" + i));
        }
        Map<String, Integer> seen = consume("CG-rewind", "Rewind", "*");
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 10);
        try (dev.halfmoon.remoting.RemotingClient admin = new dev.halfmoon.remoting.RemotingClient("reset")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(admin, "CG-rewind", "Rewind", 2) == 10);
            var reset = admin.invokeSync(halfmoon.brokerAddress(), dev.halfmoon.remoting.RemotingCommand.request(
                    dev.halfmoon.remoting.RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Rewind", "group",
                            "CG-rewind", "timestamp", "0", "isForce", "true"), null), 3000);
            assertEquals(0, reset.code(), reset.remark());
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.values().stream().allMatch(n -> n == 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> committed(admin, "CG-rewind", "Rewind", 2) == 10);
            assertTrue(seen.values().stream().allMatch(n -> n == 2), "read once more, not more: " + seen);
        }
    }

    private long committed(dev.halfmoon.remoting.RemotingClient admin, String group, String topic, int queues) {
        long sum = 0;
        for (int q = 0; q < queues; q++) {
            var r = admin.invokeSync(halfmoon.brokerAddress(), dev.halfmoon.remoting.RemotingCommand.request(
                    dev.halfmoon.remoting.RequestCode.QUERY_CONSUMER_OFFSET, Map.of("consumerGroup", group, "topic", topic,
                            "queueId", Integer.toString(q)), null), 3000);
            sum += r.ext("offset") == null ? 0 : Long.parseLong(r.ext("offset"));
        }
        return sum;
    }

    /** A sync send made in async sends' callbacks, as the Javadoc allows, on every callback thread at once. */
    @Test
    void syncSendsFromAsyncSendsCallbacksComplete() throws Exception {
        topic("Chained", 2);
        Producer producer = track(Producer.start(options, "PG-chained"));
        List<CompletableFuture<SendReceipt>> chained = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            chained.add(producer.sendAsync(message("Chained", "first" + i))
                    .thenApply(r -> producer.send(message("Chained", "then" + r.queueOffset()))));
        }
        CompletableFuture.allOf(chained.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Async sends whose callbacks cannot keep up hold their room until the callback ran: once the broker stored them
     * all, the one past the limit still waits and fails, rather than the callbacks' queue growing without bound.
     */
    @Test
    void asyncSendsHoldTheirRoomUntilTheirCallbackRan() throws Exception {
        topic("SlowCallbacks", 2);
        Map<String, Integer> stored = consume("CG-slow-callbacks", "SlowCallbacks", "*");
        Producer producer = track(new Producer(options.withRequestTimeout(Duration.ofMillis(500)), "PG-slow-callbacks", 50));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<CompletableFuture<Void>> handled = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                handled.add(producer.sendAsync(message("SlowCallbacks", "m" + i)).thenAccept(r -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> stored.size() == 50);
            CompletableFuture<SendReceipt> oneMore = producer.sendAsync(message("SlowCallbacks", "one more"));
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> oneMore.get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof ClientException.Unavailable, failed.getCause().toString());
        } finally {
            release.countDown();
        }
        CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
}
