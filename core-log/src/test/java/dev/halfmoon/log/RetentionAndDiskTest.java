package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.body;
import static dev.halfmoon.log.TestRecords.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.meta.MessageIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RetentionAndDiskTest {
    @TempDir
    Path dir;
    StoreFixture fixture;
    volatile double used = 0.10;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    StoreFixture fixture(RetentionHook hook) {
        fixture = new StoreFixture(dir);
        fixture.config = fixture.config.withRetention(new RetentionConfig(3_600_000, 75, 0.90, 50, 20));
        fixture.hooks = fixture.hooks.withRetentionHook(hook).withDiskUsage(() -> used);
        return fixture;
    }

    private List<AppendedRecord> fill(LogStore store, int records) {
        List<AppendedRecord> placed = new ArrayList<>();
        String body = "z".repeat(3000);
        for (int i = 0; i < records; i++) {
            placed.add(store.append(record("t", 0, body + i, null, "key-" + i)).join().first());
        }
        await().until(() -> store.dispatchedOffset() == store.writtenOffset()
                && store.flushedOffset() == store.writtenOffset());
        return placed;
    }

    /** Segments holding log: not the next one, which the allocator may have prepared past the end. */
    private long segmentCount() throws Exception {
        long end = fixture.store.writtenOffset();
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            return files.filter(f -> Long.parseLong(f.getFileName().toString()) <= end).count();
        }
    }

    private void ageAllSegments() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            for (Path f : files.toList()) {
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
            }
        }
    }

    @Test
    void expiredSegmentsAreDeletedOldestFirstAfterTheHookCarriedWhatItNeeds() throws Exception {
        List<long[]> ranges = new CopyOnWriteArrayList<>();
        LogStore store = fixture((start, end) -> ranges.add(new long[] {start, end})).open();
        List<AppendedRecord> placed = fill(store, 100);
        long segments = segmentCount();
        assertTrue(segments >= 4);
        ageAllSegments();

        await().atMost(Duration.ofSeconds(10)).until(() -> segmentCount() == 1);
        assertEquals(segments - 1, ranges.size());
        assertEquals(0, ranges.get(0)[0]);
        assertEquals(StoreFixture.SEGMENT_BYTES, ranges.get(0)[1]);
        long min = store.minCommitLogOffset();
        assertEquals(ranges.get(ranges.size() - 1)[1], min);
        assertNull(store.readRecord(placed.get(0).commitLogOffset()));
        AppendedRecord lastKept = placed.get(99);
        assertNotNull(store.readRecord(lastKept.commitLogOffset()));

        long minQueue = store.minQueueOffset("t", 0);
        assertTrue(minQueue > 0);
        assertEquals(ReadStatus.OFFSET_TOO_SMALL, store.readQueue("t", 0, 0, 8, 1 << 20, null).status());
        QueueReadResult r = store.readQueue("t", 0, minQueue, 200, 1 << 22, null);
        assertEquals(100 - minQueue, r.records().size());
        assertTrue(body(r.records().get(0).bytes()).endsWith(Long.toString(minQueue)));

        LogStore reopened = fixture.reopen();
        assertEquals(minQueue, reopened.minQueueOffset("t", 0));
        assertEquals(100, reopened.maxQueueOffset("t", 0));
        assertEquals(100, reopened.append(record("t", 0, "next")).join().first().queueOffset());
    }

    /** mqadmin deleteExpiredCommitLog: a pass now, not at the next interval (an hour here). */
    @Test
    void aPassAskedForRunsAtOnce() throws Exception {
        fixture((start, end) -> { });
        fixture.config = fixture.config.withRetention(new RetentionConfig(3_600_000, 75, 0.90, 3_600_000, 20));
        LogStore store = fixture.open();
        fill(store, 100);
        assertTrue(segmentCount() >= 4);
        ageAllSegments();
        store.requestRetention();
        await().atMost(Duration.ofSeconds(10)).until(() -> segmentCount() == 1);
    }

    /** A pass asked for right after writing, under ASYNC_FLUSH: the full segments are flushed first, then go. */
    @Test
    void aPassAskedForRightAfterWritingFlushesThenDeletes() throws Exception {
        fixture((start, end) -> { });
        fixture.config = fixture.config.withRetention(new RetentionConfig(3_600_000, 75, 0.90, 3_600_000, 20))
                .withCommitLog(fixture.config.commitLog().withFlushIntervalMs(60_000)); // (flushes only when asked)
        LogStore store = fixture.open();
        String body = "z".repeat(3000);
        for (int i = 0; i < 100; i++) {
            store.append(record("t", 0, body + i)).join();
        }
        assertTrue(store.flushedOffset() < store.writtenOffset());
        ageAllSegments();
        store.requestRetention();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.minCommitLogOffset() > 0);
    }

    @Test
    void whatTheHookCarriesForwardIsOnDiskBeforeTheSegmentGoes() throws Exception {
        List<Long> carriedEnds = new CopyOnWriteArrayList<>();
        LogStore[] ref = new LogStore[1];
        fixture((start, end) -> {
            AppendedRecord copy = ref[0].append(record("t", 1, "carried from " + start)).join().first();
            carriedEnds.add(copy.commitLogOffset() + copy.size());
        });
        // ASYNC_FLUSH that flushes only when asked: nothing else would put the copy on disk for a minute
        fixture.config = fixture.config.withCommitLog(fixture.config.commitLog().withFlushIntervalMs(60_000));
        LogStore store = ref[0] = fixture.open();
        String body = "z".repeat(3000);
        for (int i = 0; i < 60; i++) {
            store.append(record("t", 0, body + i)).join();
        }
        store.requestFlush();
        await().until(() -> store.flushedOffset() == store.writtenOffset() && store.dispatchedOffset() == store.writtenOffset());
        ageAllSegments();

        await().atMost(Duration.ofSeconds(10)).until(() -> store.minCommitLogOffset() > 0);
        assertTrue(store.flushedOffset() >= carriedEnds.get(0),
                "the first segment was deleted only after its carried copy was flushed");
    }

    @Test
    void theKeyIndexForgetsWhatRetentionDeleted() throws Exception {
        LogStore store = fixture((start, end) -> { }).open();
        List<AppendedRecord> placed = fill(store, 100);
        MessageIndex index = new MessageIndex(fixture.metadata);
        assertEquals(List.of(placed.get(0).commitLogOffset()), index.find("t", "key-0", 0, Long.MAX_VALUE, 8));
        ageAllSegments();
        await().atMost(Duration.ofSeconds(10)).until(() -> segmentCount() == 1
                && index.find("t", "key-0", 0, Long.MAX_VALUE, 8).isEmpty());
        long min = store.minCommitLogOffset();
        for (int i = 0; i < 100; i++) {
            long offset = placed.get(i).commitLogOffset();
            assertEquals(offset < min ? List.of() : List.of(offset), index.find("t", "key-" + i, 0, Long.MAX_VALUE, 8),
                    "key-" + i + " at " + offset + ", log from " + min);
        }
    }

    @Test
    void aFailingHookKeepsTheSegment() throws Exception {
        AtomicBoolean allow = new AtomicBoolean(false);
        LogStore store = fixture((start, end) -> {
            if (!allow.get()) {
                throw new IllegalStateException("still needed");
            }
        }).open();
        fill(store, 60);
        long segments = segmentCount();
        ageAllSegments();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(segments, segmentCount());
        allow.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> segmentCount() == 1);
    }

    @Test
    void youngSegmentsGoWhenTheDiskIsOverItsRatio() throws Exception {
        LogStore store = fixture(RetentionHook.NONE).open();
        fill(store, 60);
        assertTrue(segmentCount() > 2);
        used = 0.80;
        await().atMost(Duration.ofSeconds(10)).until(() -> segmentCount() == 1);
    }

    @Test
    void aFullDiskRefusesAppendsWithoutHarmingDataAndAppendsResumeWhenSpaceReturns() {
        LogStore store = fixture(RetentionHook.NONE).open();
        AppendedRecord first = store.append(record("t", 0, "before")).join().first();
        used = 0.95;
        await().atMost(Duration.ofSeconds(5)).until(() -> store.health().diskFull());
        long end = store.writtenOffset();
        AppendResult refused = store.append(record("t", 0, "refused")).join();
        assertEquals(AppendStatus.DISK_FULL, refused.status());
        assertTrue(refused.status().description().contains("disk"));
        assertEquals(end, store.writtenOffset());
        assertEquals("before", body(store.readRecord(first.commitLogOffset())));

        used = 0.50;
        await().atMost(Duration.ofSeconds(5)).until(() -> !store.health().diskFull());
        AppendResult after = store.append(record("t", 0, "after")).join();
        assertTrue(after.ok());
        assertEquals(1, after.first().queueOffset());
        assertFalse(store.health().diskFull());
    }

    /**
     * Retention's own writes (carrying pending halves forward) go through a full disk, but not through the last
     * {@link DiskGuard#FREEING_FLOOR_BYTES}: they could fill it to the last byte.
     */
    @Test
    void retentionsCarriesAreRefusedOnlyWhenTheDiskIsAlmostOutOfSpace() {
        java.util.concurrent.atomic.AtomicLong usable = new java.util.concurrent.atomic.AtomicLong(1L << 30);
        fixture = new StoreFixture(dir);
        fixture.config = fixture.config.withRetention(new RetentionConfig(3_600_000, 75, 0.90, 50, 20));
        fixture.hooks = fixture.hooks.withDiskUsage(new DiskUsage() {
            @Override
            public double usedRatio() {
                return used;
            }

            @Override
            public long usableBytes() {
                return usable.get();
            }
        });
        LogStore store = fixture.open();
        used = 0.95;
        await().atMost(Duration.ofSeconds(5)).until(() -> store.health().diskFull());
        assertEquals(AppendStatus.DISK_FULL, store.append(record("t", 0, "refused")).join().status());
        assertTrue(store.appendToFreeSpace(List.of(record("t", 0, "carried"))).join().ok(), "a carry still goes");

        usable.set(DiskGuard.FREEING_FLOOR_BYTES - 1);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.appendToFreeSpace(List.of(record("t", 0, "probe"))).join().status() == AppendStatus.DISK_FULL);
        usable.set(1L << 30);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.appendToFreeSpace(List.of(record("t", 0, "again"))).join().ok());
    }
}
