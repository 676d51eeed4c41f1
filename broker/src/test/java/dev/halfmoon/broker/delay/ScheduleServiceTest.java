package dev.halfmoon.broker.delay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Delayed delivery over a real store: on time, and exactly once when a crash lost the progress commit. */
@Timeout(60)
class ScheduleServiceTest {
    static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);
    static final DelayLevels LEVELS = DelayLevels.parse("1s 2s");

    @TempDir
    Path dir;
    MetadataStore metadata;
    LogStore store;
    ConsumerOffsets offsets;
    ScheduleService service;

    @BeforeEach
    void open() {
        StoreConfig config = StoreConfig.defaults(dir).withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(1 << 20));
        metadata = MetadataStore.open(config.metadataDir());
        // what the broker does: a store whose end is recovered, then the schedule started
        store = LogStore.open(config, metadata, StoreHooks.defaults());
        store.start(List.of());
        offsets = ConsumerOffsets.load(metadata);
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
            service = null;
        }
        offsets.close();
        store.close();
        metadata.close();
    }

    /** A restart on the same directory (what a crash leaves is already in the log and the metadata). */
    private void restart() {
        close();
        open();
    }

    /** A message for topic Later, queue 0, at delay level 1, as the send path stores it on the schedule topic. */
    private RecordView scheduled(String body) {
        RecordDraft draft = new RecordDraft("Later", 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)),
                MessageProperties.encode(Map.of(MessageProperty.DELAY_TIME_LEVEL, "1")));
        long offset = store.append(RecordEncoder.encode(Scheduling.route(draft, LEVELS, System.currentTimeMillis()))).join().first().commitLogOffset();
        return RecordView.of(store.readRecord(offset));
    }

    private long delivered() {
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        return store.maxQueueOffset("Later", 0);
    }

    @Test
    void aDueMessageIsDeliveredOnItsRealTopicWithoutItsDelayAndNamesItsScheduleRecord() {
        scheduled("soon");
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered() == 1);
        RecordView real = RecordView.of(store.readQueue("Later", 0, 0, 1, 1 << 20, null).records().get(0).bytes());
        assertNull(real.properties().get(MessageProperty.DELAY_TIME_LEVEL));
        assertEquals("1:0", real.properties().get(ScheduleService.DELAY_FROM));
    }

    @Test
    void aDeliveryWhoseProgressACrashLostIsNotDeliveredAgain() {
        RecordView record = scheduled("once");
        // what a run that crashed right after the delivery left: the message stored, its progress not
        offsets.commit(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0, store.writtenOffset());
        store.append(RecordEncoder.encode(ScheduleService.backToRealTopic(record, 1, 0))).join();
        restart();
        assertEquals(-1, offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 0));

        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        assertEquals(1, offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 0), "counted at start");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(15)).until(() -> delivered() == 1);
    }

    /** messageDelayLevel shortened while messages waited at a level it no longer has: they still go out. */
    @Test
    void messagesDelayedAtALevelNoLongerConfiguredAreDeliveredAfterTheLongestDelay() {
        DelayLevels before = DelayLevels.parse("1s 2s 3s");
        RecordDraft draft = new RecordDraft("Later", 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap("level-3".getBytes(StandardCharsets.UTF_8)),
                MessageProperties.encode(Map.of(MessageProperty.DELAY_TIME_LEVEL, "3")));
        store.append(RecordEncoder.encode(Scheduling.route(draft, before, System.currentTimeMillis()))).join();
        await().until(() -> store.maxQueueOffset(Scheduling.TOPIC, 2) == 1); // on the third level's queue
        restart();

        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start(); // two levels now
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered() == 1);
        RecordView real = RecordView.of(store.readQueue("Later", 0, 0, 1, 1 << 20, null).records().get(0).bytes());
        assertEquals("3:0", real.properties().get(ScheduleService.DELAY_FROM));
        assertTrue(real.storeTimestamp() - draft.bornTimestamp() >= 1900, "not before the longest delay still configured");
    }

    /** The clock stepped back an hour after a message was delayed (NTP, a restored VM): it is not held an hour more. */
    @Test
    void aClockSteppedBackDoesNotHoldALevel() {
        scheduled("before-the-step");
        service = new ScheduleService(store, offsets, LEVELS, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 1);
    }

    /** A record stored after the turn read its clock (a busy turn) still waits its whole delay. */
    @Test
    void aMessageStoredDuringATurnIsNotDeliveredEarly() {
        scheduled("during-a-turn");
        // a service whose every turn sees a clock 300 ms behind the store's: each record looks stored "after now"
        service = new ScheduleService(store, offsets, DelayLevels.parse("2s"), Clock.offset(Clock.systemUTC(),
                Duration.ofMillis(-300))).start();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> delivered() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 1);
    }

    /** A RocketMQ 5 timer message (TIMER_DELIVER_MS): delivered no earlier than asked, within a level's step after. */
    @Test
    void aTimerMessageHopsOverTheLevelsAndIsDeliveredAtItsTimeNotBefore() {
        long at = System.currentTimeMillis() + 3_500; // hops of 2 s, 1 s, then 1 s for the half second left
        RecordDraft draft = new RecordDraft("Later", 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap("at-time".getBytes(StandardCharsets.UTF_8)),
                MessageProperties.encode(Map.of(MessageProperty.TIMER_DELIVER_MS, Long.toString(at))));
        RecordDraft stored = Scheduling.route(draft, LEVELS, System.currentTimeMillis());
        assertEquals(Scheduling.TOPIC, stored.topic());
        assertEquals(1, stored.queueId(), "the 2 s level first");
        store.append(RecordEncoder.encode(stored)).join();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> delivered() == 1);
        long deliveredAt = System.currentTimeMillis();
        RecordView real = RecordView.of(store.readQueue("Later", 0, 0, 1, 1 << 20, null).records().get(0).bytes());
        assertTrue(real.storeTimestamp() >= at, "not before its time: stored " + (real.storeTimestamp() - at) + " ms after");
        assertTrue(deliveredAt - at < 2_000, "within a step of it: " + (deliveredAt - at) + " ms after");
        assertEquals("at-time", new String(real.bodyBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aTimerHopWhoseProgressACrashLostIsNotTakenAgain() {
        long at = System.currentTimeMillis() + 60_000;
        RecordDraft draft = new RecordDraft("Later", 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap("hop".getBytes(StandardCharsets.UTF_8)),
                MessageProperties.encode(Map.of(MessageProperty.TIMER_DELIVER_MS, Long.toString(at))));
        long offset = store.append(RecordEncoder.encode(Scheduling.route(draft, LEVELS, System.currentTimeMillis())))
                .join().first().commitLogOffset();
        RecordView first = RecordView.of(store.readRecord(offset));
        offsets.commit(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0, store.writtenOffset());
        // the next hop stored, its progress commit lost in a crash
        ScheduleService hopper = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC());
        store.append(RecordEncoder.encode(hopper.next(first, 2, 0, System.currentTimeMillis()))).join();
        restart();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        assertEquals(1, offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 1), "the hop counted at start");
    }

    @Test
    void timerPropertiesAreCheckedAndALevelWins() {
        long now = System.currentTimeMillis();
        RecordDraft base = new RecordDraft("Later", 0, 0, 0, now, HOST, HOST, 0, 0, ByteBuffer.wrap(new byte[] {1}), "");
        java.util.function.Function<Map<String, String>, RecordDraft> route = props -> Scheduling.route(
                base.withProperties(MessageProperties.encode(props)), LEVELS, now);
        assertEquals(1, route.apply(Map.of(MessageProperty.TIMER_DELAY_SEC, "3")).queueId(), "3 s: the 2 s level first");
        assertEquals(Long.toString(now + 3000), MessageProperties.decode(route.apply(Map.of(MessageProperty.TIMER_DELAY_SEC,
                "3")).properties()).get(MessageProperty.TIMER_DELIVER_MS), "a relative time becomes an absolute one");
        assertEquals("Later", route.apply(Map.of(MessageProperty.TIMER_DELIVER_MS, Long.toString(now - 5))).topic(),
                "a time passed: delivered at once");
        assertEquals(0, route.apply(Map.of(MessageProperty.TIMER_DELAY_MS, "300")).queueId(), "less than a level: the shortest");
        RecordDraft both = route.apply(Map.of(MessageProperty.DELAY_TIME_LEVEL, "1", MessageProperty.TIMER_DELAY_SEC, "60"));
        assertEquals(0, both.queueId(), "the level wins");
        assertNull(MessageProperties.decode(both.properties()).get(MessageProperty.TIMER_DELAY_SEC));
        for (Map<String, String> bad : List.of(Map.of(MessageProperty.TIMER_DELIVER_MS, "soon"),
                Map.of(MessageProperty.TIMER_DELAY_SEC, Long.toString(4L * 24 * 3600)))) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> route.apply(bad), bad.toString());
        }
    }

    @Test
    void strayOrMalformedMarksChangeNothing() {
        scheduled("real");
        offsets.commit(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0, store.writtenOffset());
        for (String mark : List.of("1:0", "x:y", "9:0", "1")) { // another body, garbage, no such level, no offset
            store.append(RecordEncoder.encode(new RecordDraft("Later", 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                    ByteBuffer.wrap(("stray " + mark).getBytes(StandardCharsets.UTF_8)),
                    MessageProperties.encode(Map.of(ScheduleService.DELAY_FROM, mark))))).join();
        }
        restart();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        assertEquals(-1, offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 0), "nothing counted");
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered() == 5); // the four strays and the real one
    }

    @Test
    void aScanPositionBeyondALostLogTailIsResetNotFatal() {
        offsets.commit(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0, 1 << 20);
        restart();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        assertEquals(store.recoveredEndOffset(), offsets.get(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0));
    }

    @Test
    void aLevelsProgressBeyondALostTailOfItsQueueIsResetSoLaterMessagesAreDelivered() {
        // the metadata kept progress a power loss took from the log (ASYNC_FLUSH): level 1 had delivered 5
        offsets.commit(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 0, 5);
        restart();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        assertEquals(0, offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, 0), "back to its queue's end");
        scheduled("after the restart");
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered() == 1);
    }

    @Test
    void aCorruptScheduleRecordIsSkippedAndTheLevelGoesOn() throws Exception {
        scheduled("bad");
        scheduled("good");
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        long at = store.readQueue(Scheduling.TOPIC, 0, 0, 1, 1 << 20, null).records().get(0).commitLogOffset();
        close();
        byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve("commitlog").resolve(String.format("%020d", 0)));
        int body = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("bad", (int) at);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                dir.resolve("commitlog").resolve(String.format("%020d", 0)), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'B'}), body);
        }
        open();
        service = new ScheduleService(store, offsets, LEVELS, Clock.systemUTC()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered() == 1);
        assertEquals("good", StandardCharsets.UTF_8.decode(RecordView.of(
                store.readQueue("Later", 0, 0, 1, 1 << 20, null).records().get(0).bytes()).body()).toString());
        assertEquals(1, store.health().corruptRecords());
    }
}
