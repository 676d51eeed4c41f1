package dev.halfmoon.broker.delay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        long offset = store.append(RecordEncoder.encode(Scheduling.route(draft, LEVELS))).join().first().commitLogOffset();
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
