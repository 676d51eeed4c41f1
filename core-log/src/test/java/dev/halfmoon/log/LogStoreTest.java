package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.body;
import static dev.halfmoon.log.TestRecords.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.TagsCode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LogStoreTest {
    @TempDir
    Path dir;
    StoreFixture fixture;

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    LogStore open() {
        fixture = new StoreFixture(dir);
        return fixture.open();
    }

    @Test
    void appendedRecordsGetPerQueueOffsetsAndCanBeReadBack() {
        LogStore store = open();
        AppendResult a = store.append(record("orders", 0, "a")).join();
        AppendResult b = store.append(record("orders", 1, "b")).join();
        AppendResult c = store.append(record("orders", 0, "c")).join();
        assertEquals(0, a.first().queueOffset());
        assertEquals(0, b.first().queueOffset());
        assertEquals(1, c.first().queueOffset());

        RecordView stored = RecordView.of(store.readRecord(c.first().commitLogOffset()));
        assertEquals(RecordView.Check.OK, stored.check(true));
        assertEquals(c.first().commitLogOffset(), stored.physicalOffset());
        assertEquals(1, stored.queueOffset());
        assertEquals(c.first().storeTimestamp(), stored.storeTimestamp());
        assertEquals("c", body(stored.bytes()));

        await().atMost(Duration.ofSeconds(5)).until(() -> store.maxQueueOffset("orders", 0) == 2);
        QueueReadResult read = store.readQueue("orders", 0, 0, 32, 1 << 20, null);
        assertEquals(ReadStatus.FOUND, read.status());
        assertEquals(List.of("a", "c"), read.records().stream().map(r -> body(r.bytes())).toList());
        assertEquals(2, read.nextOffset());
        assertTrue(read.records().get(0).bytes().isReadOnly());
    }

    @Test
    void anInterruptedAppendingThreadDoesNotCloseTheStore() throws Exception {
        LogStore store = open();
        // FileChannel closes itself when a thread with its interrupt status set writes to it; the store must reopen
        // the file rather than turn read-only for good. Enough records to cross segments (64 KiB each).
        List<AppendResult> results = new ArrayList<>();
        List<Boolean> stillInterrupted = new ArrayList<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                Thread.currentThread().interrupt();
                results.add(store.append(record("orders", 0, "r" + i + "-" + "x".repeat(1000))).join());
                stillInterrupted.add(Thread.interrupted());
            }
        });
        writer.start();
        writer.join(30_000);
        assertFalse(writer.isAlive());
        assertEquals(200, results.size());
        assertEquals(List.of(), results.stream().filter(r -> !r.ok()).map(AppendResult::status).distinct().toList());
        assertTrue(stillInterrupted.stream().allMatch(b -> b), "the caller's interrupt status is kept");
        assertTrue(store.append(record("orders", 0, "after")).join().ok());

        LogStore reopened = fixture.reopen();
        await().atMost(Duration.ofSeconds(5)).until(() -> reopened.maxQueueOffset("orders", 0) == 201);
        QueueReadResult read = reopened.readQueue("orders", 0, 199, 32, 1 << 20, null);
        assertEquals(List.of("r199-" + "x".repeat(1000), "after"),
                read.records().stream().map(r -> body(r.bytes())).toList());
    }

    @Test
    void interruptsArrivingDuringAppendsLoseNothing() throws Exception {
        LogStore store = open();
        int count = 3000;
        List<AppendResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread writer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                results.add(store.append(record("orders", 0, "r" + i + "-" + "x".repeat(1000))).join());
            }
        });
        writer.start();
        while (writer.isAlive()) { // interrupts land at any point of an append, also inside a write
            writer.interrupt();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        writer.join();
        assertEquals(count, results.size());
        assertEquals(List.of(), results.stream().filter(r -> !r.ok()).map(AppendResult::status).distinct().toList());

        LogStore reopened = fixture.reopen();
        await().atMost(Duration.ofSeconds(10)).until(() -> reopened.maxQueueOffset("orders", 0) == count);
        for (long next = 0; next < count; ) {
            QueueReadResult read = reopened.readQueue("orders", 0, next, 32, 1 << 20, null);
            for (var r : read.records()) {
                assertEquals("r" + next + "-" + "x".repeat(1000), body(r.bytes()));
                next++;
            }
        }
    }

    @Test
    void aBatchIsOneFrameAndEveryRecordGetsItsOwnOffsets() {
        LogStore store = open();
        AppendResult r = store.append(List.of(record("t", 0, "1"), record("t", 0, "2"), record("u", 3, "3"))).join();
        assertTrue(r.ok());
        assertEquals(List.of(0L, 1L, 0L), r.records().stream().map(AppendedRecord::queueOffset).toList());
        for (AppendedRecord placed : r.records()) {
            assertNotNull(store.readRecord(placed.commitLogOffset()));
        }
        assertEquals(r.records().get(0).commitLogOffset() + r.records().get(0).size(),
                r.records().get(1).commitLogOffset());
    }

    @Test
    void readsHonourTagFilterCountAndByteLimits() {
        LogStore store = open();
        for (int i = 0; i < 10; i++) {
            store.append(record("t", 0, "m" + i, i % 2 == 0 ? "even" : "odd", null)).join();
        }
        await().until(() -> store.maxQueueOffset("t", 0) == 10);
        long even = TagsCode.of("even");
        QueueReadResult evens = store.readQueue("t", 0, 0, 32, 1 << 20, code -> code == even);
        assertEquals(List.of("m0", "m2", "m4", "m6", "m8"), evens.records().stream().map(x -> body(x.bytes())).toList());
        assertEquals(3, store.readQueue("t", 0, 0, 3, 1 << 20, null).records().size());
        int one = store.readQueue("t", 0, 0, 1, 1 << 20, null).totalBytes();
        assertEquals(2, store.readQueue("t", 0, 0, 32, one * 2, null).records().size());
        QueueReadResult none = store.readQueue("t", 0, 0, 32, 1 << 20, code -> false);
        assertEquals(ReadStatus.NO_MATCHED_MESSAGE, none.status());
        assertEquals(10, none.nextOffset());
    }

    @Test
    void offsetsOutsideTheQueueAreReportedNotServed() {
        LogStore store = open();
        assertEquals(ReadStatus.NO_MESSAGE_IN_QUEUE, store.readQueue("t", 0, 0, 32, 1 << 20, null).status());
        store.append(record("t", 0, "x")).join();
        await().until(() -> store.maxQueueOffset("t", 0) == 1);
        assertEquals(ReadStatus.OFFSET_OVERFLOW_ONE, store.readQueue("t", 0, 1, 32, 1 << 20, null).status());
        QueueReadResult badly = store.readQueue("t", 0, 7, 32, 1 << 20, null);
        assertEquals(ReadStatus.OFFSET_OVERFLOW_BADLY, badly.status());
        assertEquals(1, badly.nextOffset());
        assertNull(store.readRecord(3));
        assertNull(store.readRecord(-1));
        assertNull(store.readRecord(1L << 40));

        String body = "y".repeat(4000);
        while (store.writtenOffset() < StoreFixture.SEGMENT_BYTES + 1000) {
            store.append(record("t", 0, body)).join();
        }
        for (int back = 1; back <= 8; back++) { // a client's offset just before a segment's end, the log going on
            assertNull(store.readRecord(StoreFixture.SEGMENT_BYTES - back));
            assertEquals(-1, store.recordSize(StoreFixture.SEGMENT_BYTES - back));
        }
    }

    @Test
    void recordsNeverStraddleSegmentsAndSegmentsAreNamedByStartOffset() throws Exception {
        LogStore store = open();
        List<AppendedRecord> placed = new ArrayList<>();
        String body = "x".repeat(3000);
        for (int i = 0; i < 100; i++) {
            placed.add(store.append(record("big", 0, body + i)).join().first());
        }
        int segment = StoreFixture.SEGMENT_BYTES;
        for (AppendedRecord p : placed) {
            assertEquals(p.commitLogOffset() / segment, (p.commitLogOffset() + p.size() - 1) / segment,
                    "record at " + p.commitLogOffset() + " straddles a segment boundary");
        }
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.size() > 3);
            for (int i = 0; i < names.size(); i++) {
                assertEquals(String.format("%020d", (long) i * segment), names.get(i));
            }
        }
        await().until(() -> store.maxQueueOffset("big", 0) == 100);
        long queueOffset = 0;
        while (queueOffset < 100) {
            QueueReadResult r = store.readQueue("big", 0, queueOffset, 32, 1 << 20, null);
            for (StoredRecord sr : r.records()) {
                assertEquals(body + sr.queueOffset(), body(sr.bytes()));
            }
            queueOffset = r.nextOffset();
        }
    }

    @Test
    void restartKeepsRecordsAndContinuesQueueOffsets() {
        LogStore store = open();
        for (int i = 0; i < 50; i++) {
            store.append(record("t", i % 2, "m" + i)).join();
        }
        LogStore reopened = fixture.reopen();
        assertEquals(25, reopened.maxQueueOffset("t", 0));
        assertEquals(25, reopened.maxQueueOffset("t", 1));
        AppendResult next = reopened.append(record("t", 1, "after")).join();
        assertEquals(25, next.first().queueOffset());
        await().until(() -> reopened.maxQueueOffset("t", 1) == 26);
        QueueReadResult r = reopened.readQueue("t", 1, 24, 32, 1 << 20, null);
        assertEquals(List.of("m49", "after"), r.records().stream().map(x -> body(x.bytes())).toList());
    }

    @Test
    void queueOffsetByTimeFindsTheFirstRecordStoredAtOrAfter() {
        LogStore store = open();
        long[] times = new long[5];
        for (int i = 0; i < 5; i++) {
            times[i] = store.append(record("t", 0, "m" + i)).join().first().storeTimestamp();
            long before = times[i];
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> System.currentTimeMillis() > before);
        }
        await().until(() -> store.maxQueueOffset("t", 0) == 5);
        assertEquals(0, store.queueOffsetByTime("t", 0, 0));
        assertEquals(3, store.queueOffsetByTime("t", 0, times[3]));
        assertEquals(5, store.queueOffsetByTime("t", 0, times[4] + 1));
    }

    @Test
    void aBatchWhoseRecordEndsInTheShapeOfAFrameHeaderIsRefusedAndAnOrdinaryBatchIsServedWhole() {
        LogStore store = open();
        ByteBuffer second = record("t", 0, "second");
        int frameSize = Frame.HEADER_SIZE + second.remaining();
        assertTrue(frameSize < 128, "one byte of the size field, as a property character");
        // a producer's property value that ends in bytes shaped like the header of a frame holding only the next record
        String crafted = new String(new byte[] {0, 0, 0, (byte) frameSize, 'H', 'M', 'F', 'R', 'c', 'r', 'c', '!', 0, 0, 0, 1},
                java.nio.charset.StandardCharsets.ISO_8859_1);
        ByteBuffer first = dev.halfmoon.message.RecordEncoder.encode(new dev.halfmoon.message.RecordDraft("t", 0, 0, 0,
                System.currentTimeMillis(), TestRecords.HOST, TestRecords.HOST, 0, 0,
                ByteBuffer.wrap("first".getBytes()), "KEYS\u0001k" + crafted));
        assertEquals(AppendStatus.INVALID_RECORD, store.append(List.of(first, second)).join().status());

        assertTrue(store.append(List.of(record("t", 0, "a"), record("t", 0, "b"))).join().ok());
        await().until(() -> store.maxQueueOffset("t", 0) == 2);
        assertEquals(List.of("a", "b"), store.readQueue("t", 0, 0, 32, 1 << 20, null).records().stream()
                .map(r -> body(r.bytes())).toList(), "records of a batch pass the read checks");
    }

    @Test
    void aQueryFindsWhatWasWrittenBeforeItThoughIndexWritesAreBatched() {
        LogStore store = open();
        for (int i = 0; i < 50; i++) {
            store.append(record("orders", 0, "o" + i, null, "order-" + i)).join();
            assertEquals(List.of("o" + i), bodies(store.findByKey("orders", "order-" + i, 0, Long.MAX_VALUE, 10)),
                    "queried right after its append");
        }
    }

    @Test
    void keysAndUniqueIdsAreIndexedAndSurviveRestart() {
        LogStore store = open();
        AppendResult r = store.append(record("orders", 0, "o1", null, "order-1 customer-7")).join();
        store.append(record("orders", 0, "o2", null, "order-2 customer-7")).join();
        store.append(record("other", 0, "o3", null, "order-1")).join();
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        assertEquals(List.of("o1"), bodies(store.findByKey("orders", "order-1", 0, Long.MAX_VALUE, 10)));
        assertEquals(List.of("o1", "o2"), bodies(store.findByKey("orders", "customer-7", 0, Long.MAX_VALUE, 10)));
        long t = r.first().storeTimestamp();
        assertEquals(List.of(), bodies(store.findByKey("orders", "order-1", t + 1, Long.MAX_VALUE, 10)));
        LogStore reopened = fixture.reopen();
        assertEquals(List.of("o3"), bodies(reopened.findByKey("other", "order-1", 0, Long.MAX_VALUE, 10)));
    }

    @Test
    void syncFlushAcknowledgesOnlyWhatIsOnDisk() {
        fixture = new StoreFixture(dir, FlushMode.SYNC_FLUSH);
        LogStore store = fixture.open();
        List<java.util.concurrent.CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(store.append(record("t", 0, "m" + i)));
        }
        for (var f : futures) {
            AppendedRecord p = f.join().first();
            assertTrue(store.flushedOffset() >= p.commitLogOffset() + p.size());
        }
        await().until(() -> store.maxQueueOffset("t", 0) == 200);
    }

    @Test
    void tooLargeAndMalformedAppendsAreRefusedAndChangeNothing() {
        LogStore store = open();
        long before = store.writtenOffset();
        assertEquals(AppendStatus.RECORD_TOO_LARGE,
                store.append(record("t", 0, "x".repeat(StoreFixture.SEGMENT_BYTES))).join().status());
        assertEquals(AppendStatus.INVALID_RECORD, store.append(ByteBuffer.wrap(new byte[200])).join().status());
        assertEquals(AppendStatus.INVALID_RECORD, store.append(List.of()).join().status());
        assertEquals(before, store.writtenOffset());
        assertEquals(0, store.append(record("t", 0, "ok")).join().first().queueOffset());
    }

    @Test
    void appendsAreRefusedUntilStartAndAfterClose() {
        fixture = new StoreFixture(dir);
        fixture.metadata = dev.halfmoon.log.meta.MetadataStore.open(fixture.config.metadataDir());
        LogStore store = LogStore.open(fixture.config, fixture.metadata, fixture.hooks);
        fixture.store = store;
        assertEquals(AppendStatus.NOT_STARTED, store.append(record("t", 0, "x")).join().status());
        store.start(List.of());
        assertTrue(store.append(record("t", 0, "x")).join().ok());
        store.close();
        assertEquals(AppendStatus.CLOSED, store.append(record("t", 0, "y")).join().status());
        assertFalse(store.health().diskFull());
    }

    @Test
    void framesOfEverySizeReadBackWholeAroundAMuchLargerOne() {
        fixture = new StoreFixture(dir);
        fixture.config = fixture.config.withCommitLog(fixture.config.commitLog().withSegmentSizeBytes(8 << 20));
        LogStore store = fixture.open();
        List<String> sent = List.of("small", "m".repeat(100_000), "b".repeat(3 << 20), "after", "n".repeat(70_000));
        List<Long> offsets = new java.util.ArrayList<>();
        for (String body : sent) {
            offsets.add(store.append(record("t", 0, body)).join().first().commitLogOffset());
        }
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i), TestRecords.body(store.readRecord(offsets.get(i))), "record " + i);
        }
        LogStore reopened = fixture.reopen(); // and recovery checks every frame's CRC
        assertEquals(sent.get(2), TestRecords.body(reopened.readRecord(offsets.get(2))));
    }

    private static List<String> bodies(List<ByteBuffer> records) {
        return records.stream().map(TestRecords::body).toList();
    }
}
