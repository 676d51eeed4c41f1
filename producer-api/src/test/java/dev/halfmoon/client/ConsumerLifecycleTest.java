package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A queue's messages in hand when it changes hands, is reset, or its consumer closes: never handled twice at once. */
@Timeout(120)
class ConsumerLifecycleTest extends ClientTestBase {
    /** An ordered queue moving to a new member stays with the old one until its handler is done with the message. */
    @Test
    void anOrderedQueueIsNotHandedOverWhileItsMessageIsBeingHandled() throws Exception {
        sent("Ord", 1, "m", 4);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inM0 = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MessageHandler counting = m -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                if (body(m).equals("m0") && inM0.getCount() > 0) {
                    inM0.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                handled.add(body(m));
                return ConsumeResult.SUCCESS;
            } finally {
                inside.decrementAndGet();
            }
        };
        track(PushConsumer.builder(options.withInstanceName("z-first"), "CG-ord").subscribe("Ord", "*").ordered()
                .rebalanceInterval(Duration.ofMillis(300)).handler(counting).start());
        assertTrue(inM0.await(30, TimeUnit.SECONDS));
        // a member sorting first joins: the queue is allotted to it while m0 is still in the first member's hands
        track(PushConsumer.builder(options.withInstanceName("a-second"), "CG-ord").subscribe("Ord", "*").ordered()
                .rebalanceInterval(Duration.ofMillis(300)).handler(counting).start());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> most.get() == 1);
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsAll(List.of("m0", "m1", "m2", "m3")));
        assertEquals(1, most.get(), "never two handlers on the queue at once");
        assertEquals(List.of("m0", "m1", "m2", "m3"), handled.stream().distinct().toList(), "in order");
    }

    /** An operator skips a message an ordered queue retries for ever: the retries stop, and later messages flow. */
    @Test
    void aResetPastAPoisonMessageStopsItsRetries() {
        topic("Poison", 1);
        Producer producer = track(Producer.start(options, "PG"));
        AtomicInteger poisonCalls = new AtomicInteger();
        List<String> done = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-poison").subscribe("Poison", "*").ordered().maxReconsumeTimes(-1)
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    if (body(m).equals("poison")) {
                        poisonCalls.incrementAndGet();
                        return ConsumeResult.RETRY_LATER;
                    }
                    done.add(body(m));
                    return ConsumeResult.SUCCESS;
                }).start());
        producer.send(message("Poison", "poison"));
        await().atMost(Duration.ofSeconds(30)).until(() -> poisonCalls.get() >= 2);
        try (RemotingClient admin = new RemotingClient("reset")) {
            RemotingCommand r = admin.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Poison", "group", "CG-poison",
                            "timestamp", "-1", "isForce", "true"), null), 3000); // to the latest: skip it
            assertEquals(0, r.code(), r.remark());
        }
        producer.send(message("Poison", "after"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.contains("after"));
        int calls = poisonCalls.get();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> poisonCalls.get() <= calls + 1);
    }

    /** close() lets the handler finish the message it has, uninterrupted, before it returns. */
    @Test
    void closeWaitsForTheMessageInHand() throws Exception {
        topic("Slow", 1);
        Producer producer = track(Producer.start(options, "PG"));
        producer.send(message("Slow", "s0"));
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        PushConsumer consumer = PushConsumer.builder(options, "CG-slow").subscribe("Slow", "*")
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    inside.countDown();
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                    finished.set(true);
                    return ConsumeResult.SUCCESS;
                }).start();
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        consumer.close();
        assertTrue(finished.get(), "the handler finished before close returned");
        assertFalse(interrupted.get(), "and was not interrupted");
    }

    /** A builder changed after start does not change the consumer it started. */
    @Test
    void aBuilderChangedAfterStartLeavesItsConsumerAsItWas() {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        PushConsumer.Builder builder = PushConsumer.builder(options, "CG-later").subscribe("Later", "*")
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    first.add(body(m));
                    return ConsumeResult.SUCCESS;
                });
        track(builder.start()); // its topic does not exist yet: its queues come later
        builder.handler(m -> {
            second.add(body(m));
            return ConsumeResult.SUCCESS;
        });
        topic("Later", 1);
        track(Producer.start(options, "PG")).send(message("Later", "x"));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.contains("x"));
        assertTrue(second.isEmpty());
    }

    /** A consumer refused for a bad setting holds nothing: the same offsets file can be used at once. */
    @Test
    void aRefusedConsumerHoldsNoOffsetsFile() {
        java.nio.file.Path file = dir.resolve("refused").resolve("offsets.json");
        PushConsumer.Builder builder = PushConsumer.builder(options, "CG-refused").subscribe("Anything", "*")
                .broadcasting(file).handler(m -> ConsumeResult.SUCCESS);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> builder.threads(0).start());
        track(builder.threads(2).start());
    }

    /** A queue stuck on a message retried for ever does not hold the pool's threads from the other queues. */
    @Test
    void aQueueRetryingAPoisonMessageLeavesThePoolToTheOthers() {
        topic("Stuck", 2);
        Producer producer = track(Producer.start(options, "PG"));
        List<String> done = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-stuck").subscribe("Stuck", "*").ordered().maxReconsumeTimes(-1).threads(1)
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    if (body(m).equals("poison")) {
                        return ConsumeResult.RETRY_LATER;
                    }
                    done.add(body(m));
                    return ConsumeResult.SUCCESS;
                }).start());
        int stuck = producer.send(message("Stuck", "poison"), "p").queueId();
        String other = null;
        for (int i = 0; other == null && i < 100; i++) {
            if (producer.send(message("Stuck", "ok-" + i), "k" + i).queueId() != stuck) {
                other = "ok-" + i;
            }
        }
        String expected = other;
        await().atMost(Duration.ofSeconds(15)).until(() -> done.contains(expected));
    }

    /** A handler may close its own consumer (on a "stop" message, say): close returns at once, uninterrupted. */
    @Test
    void aHandlerClosingItsConsumerIsNotKeptWaitingNorInterrupted() throws Exception {
        topic("Stop", 1);
        track(Producer.start(options, "PG")).send(message("Stop", "stop"));
        java.util.concurrent.atomic.AtomicReference<PushConsumer> self = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong closeMs = new java.util.concurrent.atomic.AtomicLong(-1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(1);
        self.set(track(PushConsumer.builder(options, "CG-stop").subscribe("Stop", "*").rebalanceInterval(Duration.ofMillis(300))
                .handler(m -> {
                    ready.await(10, TimeUnit.SECONDS);
                    long started = System.nanoTime();
                    self.get().close();
                    closeMs.set((System.nanoTime() - started) / 1_000_000);
                    interrupted.set(Thread.currentThread().isInterrupted());
                    return ConsumeResult.SUCCESS;
                }).start()));
        ready.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> closeMs.get() >= 0);
        assertTrue(closeMs.get() < 3000, "close took " + closeMs.get() + " ms");
        assertFalse(interrupted.get());
    }

    /** An operator's reset while an ordered queue is being handed over is kept: the new owner starts from it. */
    @Test
    void aResetDuringAnOrderedHandOverIsNotUndoneByTheOldOwnersCommit() throws Exception {
        sent("Handed", 1, "h", 3);
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inH0 = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MessageHandler handler = m -> {
            if (body(m).equals("h0") && inH0.getCount() > 0) {
                inH0.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            handled.add(body(m));
            return ConsumeResult.SUCCESS;
        };
        PushConsumer old = track(PushConsumer.builder(options.withInstanceName("z-old"), "CG-handed")
                .subscribe("Handed", "*").ordered().rebalanceInterval(Duration.ofMillis(300)).handler(handler).start());
        assertTrue(inH0.await(30, TimeUnit.SECONDS));
        track(PushConsumer.builder(options.withInstanceName("a-new"), "CG-handed").subscribe("Handed", "*").ordered()
                .rebalanceInterval(Duration.ofMillis(300)).handler(handler).start());
        // the old member gives the queue up (to the newcomer, who sorts first) while its handler still has h0
        await().atMost(Duration.ofSeconds(15)).until(() -> old.assignedQueues().stream().noneMatch(q -> q.topic().equals("Handed")));
        try (RemotingClient admin = new RemotingClient("reset")) {
            assertEquals(0, admin.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, Map.of("topic", "Handed", "group", "CG-handed",
                            "timestamp", "0", "isForce", "true"), null), 3000).code());
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> handled.stream().filter("h0"::equals).count() >= 2
                && handled.contains("h2"));
    }
}
