package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.body;
import static dev.halfmoon.log.TestRecords.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage real store files the way crashes and disks do, reopen, and check exactly the intact
 * prefix survives and consume queues agree with the log.
 */
@Timeout(60)
class RecoveryTest {
    @TempDir
    Path dir;
    StoreFixture fixture;
    LogStore store;

    @BeforeEach
    void setUp() {
        fixture = new StoreFixture(dir);
        store = fixture.open();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private List<AppendedRecord> appendMany(String topic, int n) {
        List<AppendedRecord> placed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            placed.add(store.append(record(topic, 0, "m" + i)).join().first());
        }
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        return placed;
    }

    private Path segmentHolding(long offset) {
        long start = offset - offset % StoreFixture.SEGMENT_BYTES;
        return dir.resolve("commitlog").resolve(String.format("%020d", start));
    }

    /** Cuts the file holding {@code offset} there and refills it with zeros, like a write that never landed. */
    private void cutAt(long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(segmentHolding(offset).toFile(), "rw")) {
            raf.setLength(offset % StoreFixture.SEGMENT_BYTES);
            raf.setLength(StoreFixture.SEGMENT_BYTES);
        }
    }

    private void writeAt(long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(segmentHolding(offset), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset % StoreFixture.SEGMENT_BYTES);
        }
    }

    private byte[] readAt(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(segmentHolding(offset), StandardOpenOption.READ)) {
            ch.read(b, offset % StoreFixture.SEGMENT_BYTES);
        }
        return b.array();
    }

    private List<String> queueBodies(String topic) {
        List<String> bodies = new ArrayList<>();
        long next = 0;
        while (true) {
            QueueReadResult r = store.readQueue(topic, 0, next, 32, 1 << 20, null);
            if (r.records().isEmpty()) {
                return bodies;
            }
            r.records().forEach(x -> bodies.add(body(x.bytes())));
            next = r.nextOffset();
        }
    }

    @Test
    void aRecordCutInTheMiddleIsDroppedAndTheLogEndsBeforeIt() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 20);
        AppendedRecord last = placed.get(19);
        fixture.closeAndForgetCheckpoint();
        cutAt(last.commitLogOffset() + last.size() / 2);

        store = fixture.open();
        assertEquals(last.commitLogOffset() - Frame.HEADER_SIZE, store.writtenOffset());
        assertNull(store.readRecord(last.commitLogOffset()));
        assertNotNull(store.readRecord(placed.get(18).commitLogOffset()));
        assertEquals(19, store.maxQueueOffset("t", 0));
        assertEquals(19, store.append(record("t", 0, "new")).join().first().queueOffset());
    }

    @Test
    void garbageAfterTheLastRecordIsCutAndZeroed() throws IOException {
        appendMany("t", 10);
        long end = store.writtenOffset();
        fixture.closeAndForgetCheckpoint();
        byte[] garbage = new byte[500];
        new Random(7).nextBytes(garbage);
        writeAt(end, garbage);

        store = fixture.open();
        assertEquals(end, store.writtenOffset());
        assertEquals(10, queueBodies("t").size());
        assertEquals(0, java.util.Arrays.stream(box(readAt(end, 500))).filter(b -> b != 0).count());
        store.append(record("t", 0, "after")).join();
        store = fixture.reopen();
        assertEquals(11, store.maxQueueOffset("t", 0));
    }

    @Test
    void aZeroFilledPreallocatedTailIsTheEndOfTheLog() {
        appendMany("t", 10);
        long end = store.writtenOffset();
        fixture.closeAndForgetCheckpoint();
        store = fixture.open();
        assertEquals(end, store.writtenOffset());
        assertEquals(10, queueBodies("t").size());
    }

    @Test
    void aTornBatchIsGoneWhole() throws IOException {
        appendMany("t", 3);
        long before = store.writtenOffset();
        AppendResult batch = store.append(List.of(record("t", 0, "b0"), record("t", 0, "b1"), record("t", 0, "b2"),
                record("t", 0, "b3"), record("t", 0, "b4"))).join();
        fixture.closeAndForgetCheckpoint();
        AppendedRecord fourth = batch.records().get(3);
        cutAt(fourth.commitLogOffset() + 10);

        store = fixture.open();
        assertEquals(before, store.writtenOffset());
        assertEquals(List.of("m0", "m1", "m2"), queueBodies("t"));
    }

    @Test
    void aFlippedByteInARecordHeaderIsCaughtByTheFrameChecksum() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 5);
        AppendedRecord last = placed.get(4);
        fixture.closeAndForgetCheckpoint();
        byte[] queueId = readAt(last.commitLogOffset() + 12, 4);
        queueId[3] ^= 1;
        writeAt(last.commitLogOffset() + 12, queueId);

        store = fixture.open();
        assertEquals(last.commitLogOffset() - Frame.HEADER_SIZE, store.writtenOffset());
        assertEquals(List.of("m0", "m1", "m2", "m3"), queueBodies("t"));
    }

    @Test
    void aCorruptBodyIsCaught() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 5);
        AppendedRecord last = placed.get(4);
        fixture.closeAndForgetCheckpoint();
        long bodyAt = last.commitLogOffset() + last.size() - 1 - 2 - 1 - 1 - 1;
        writeAt(bodyAt, new byte[] {'Z'});
        store = fixture.open();
        assertEquals(4, queueBodies("t").size());
    }

    @Test
    void aCorruptByteInTheMiddleOfTheLogIsDetectedOnReadAndNeverServed() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 5);
        AppendedRecord middle = placed.get(2);
        fixture.close();
        long bodyAt = middle.commitLogOffset() + middle.size() - 1 - 2 - 1 - 1 - 1;
        writeAt(bodyAt, new byte[] {'Z'});
        store = fixture.open();
        assertEquals(List.of("m0", "m1"), queueBodies("t"), "reads stop before the corrupt record");
        QueueReadResult r = store.readQueue("t", 0, 2, 32, 1 << 20, null);
        assertEquals(ReadStatus.CORRUPT_RECORD, r.status());
        assertEquals(middle.commitLogOffset(), r.corruptAt());
        assertEquals(2, r.nextOffset(), "the reader stays before it");
        assertNull(store.readRecord(middle.commitLogOffset()), "not served by offset either");
        assertEquals(1, store.health().corruptRecords(), "reported once");
        assertEquals(List.of("m3", "m4"), store.readQueue("t", 0, 3, 32, 1 << 20, null).records().stream()
                .map(x -> body(x.bytes())).toList(), "what follows is intact");
        assertNotNull(store.append(record("t", 0, "m5")).join().first(), "writes go on");
    }

    @Test
    void aFlippedByteOutsideTheBodyIsDetectedOnEveryReadAndNeverServed() throws IOException {
        List<AppendedRecord> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(store.append(record("t", 0, "m" + i, null, "key-" + i)).join().first());
        }
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        AppendedRecord middle = placed.get(2);
        fixture.close();
        // the key is a property: no length changes and RocketMQ's body CRC still matches
        byte[] bytes = readAt(middle.commitLogOffset(), middle.size());
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("key-2");
        writeAt(middle.commitLogOffset() + at, new byte[] {'K'});
        store = fixture.open();

        assertEquals(List.of("m0", "m1"), queueBodies("t"), "pulls stop before it");
        assertEquals(ReadStatus.CORRUPT_RECORD, store.readQueue("t", 0, 2, 32, 1 << 20, null).status());
        assertNull(store.readRecord(middle.commitLogOffset()), "not served by offset");
        assertEquals(List.of(), store.findByKey("t", "key-2", 0, Long.MAX_VALUE, 10), "nor to a query by key");
        assertEquals(List.of("m3"), store.findByKey("t", "key-3", 0, Long.MAX_VALUE, 10).stream()
                .map(TestRecords::body).toList(), "its neighbours are");
        assertEquals(1, store.health().corruptRecords(), "reported once");
    }

    /** A committed transactional message is written with its op record in one frame: its whole frame is checked. */
    @Test
    void aFlippedPropertyOfTheFirstRecordOfAFrameOfSeveralIsDetected() throws IOException {
        AppendedRecord first = store.append(List.of(record("t", 0, "committed", null, "key-a"), record("t", 0, "op")))
                .join().first();
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        fixture.close();
        byte[] bytes = readAt(first.commitLogOffset(), first.size());
        writeAt(first.commitLogOffset() + new String(bytes, StandardCharsets.ISO_8859_1).indexOf("key-a"), new byte[] {'K'});
        store = fixture.open();
        assertNull(store.readRecord(first.commitLogOffset()), "not served");
        assertEquals(ReadStatus.CORRUPT_RECORD, store.readQueue("t", 0, 0, 32, 1 << 20, null).status());
    }

    @Test
    void aQueryByKeyDoesNotServeARecordWithACorruptBody() throws IOException {
        AppendedRecord r = store.append(record("t", 0, "body", null, "the-key")).join().first();
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        fixture.close();
        byte[] bytes = readAt(r.commitLogOffset(), r.size());
        writeAt(r.commitLogOffset() + new String(bytes, StandardCharsets.ISO_8859_1).indexOf("body"), new byte[] {'B'});
        store = fixture.open();
        assertEquals(List.of(), store.findByKey("t", "the-key", 0, Long.MAX_VALUE, 10));
        assertEquals(1, store.health().corruptRecords());
    }

    @Test
    void aConsumeQueueBehindItsCheckpointIsRebuiltFromTheLog() throws IOException {
        appendMany("t", 30);
        fixture.close();
        zeroQueueEntries("t", 20, 30);

        store = fixture.open();
        assertEquals(30, store.maxQueueOffset("t", 0));
        assertEquals(30, queueBodies("t").size());
        assertEquals("m29", queueBodies("t").get(29));
    }

    @Test
    void aConsumeQueueFileWhoseCreationACrashCutShortIsRebuilt() throws IOException {
        appendMany("t", 70); // two queue files of 64 entries
        fixture.close();
        // a kill -9 while the second file was being filled: only a short file under the temporary name is left
        Path queueDir = dir.resolve("consumequeue").resolve("t").resolve("0");
        Files.delete(queueDir.resolve(String.format("%020d", 64)));
        Files.write(queueDir.resolve(String.format("%020d", 64) + ".creating"), new byte[300]);

        store = fixture.open();
        assertEquals(70, store.maxQueueOffset("t", 0));
        List<String> bodies = queueBodies("t");
        assertEquals(70, bodies.size());
        assertEquals("m69", bodies.get(69));
        try (Stream<Path> files = Files.list(queueDir)) {
            assertEquals(List.of(String.format("%020d", 0), String.format("%020d", 64)),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aConsumeQueueBehindTheLogWithoutCheckpointIsRebuilt() throws IOException {
        appendMany("t", 30);
        fixture.closeAndForgetCheckpoint();
        zeroQueueEntries("t", 10, 30);
        store = fixture.open();
        assertEquals(30, queueBodies("t").size());
    }

    @Test
    void aConsumeQueueAheadOfTheLogIsCutBackAndOffsetsContinueFromTheLog() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 30);
        fixture.closeAndForgetCheckpoint();
        cutAt(placed.get(20).commitLogOffset() - Frame.HEADER_SIZE);

        store = fixture.open();
        assertEquals(20, store.maxQueueOffset("t", 0));
        assertEquals(20, store.append(record("t", 0, "again")).join().first().queueOffset());
        await().until(() -> store.maxQueueOffset("t", 0) == 21);
        List<String> bodies = queueBodies("t");
        assertEquals(21, bodies.size());
        assertEquals("m19", bodies.get(19));
        assertEquals("again", bodies.get(20));
    }

    @Test
    void damageFollowedByRecordsInLaterSegmentsStopsTheStartUntilTheOperatorAcceptsTheLoss() throws IOException {
        List<AppendedRecord> placed = new ArrayList<>();
        String body = "y".repeat(2000);
        for (int i = 0; i < 80; i++) {
            placed.add(store.append(record("t", 0, body)).join().first());
        }
        fixture.closeAndForgetCheckpoint(); // (with the checkpoint, recovery would not read this far back)
        AppendedRecord victim = placed.get(10);
        byte[] b = readAt(victim.commitLogOffset() + 100, 1);
        b[0] ^= 0x55;
        writeAt(victim.commitLogOffset() + 100, b);
        byte[] before = Files.readAllBytes(segmentHolding(placed.get(79).commitLogOffset()));

        IllegalStateException refused = assertThrows(IllegalStateException.class, fixture::open);
        assertTrue(refused.getMessage().contains("damaged at offset " + (victim.commitLogOffset() - Frame.HEADER_SIZE))
                && refused.getMessage().contains(CommitLogRecovery.DROP_DAMAGED), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segmentHolding(placed.get(79).commitLogOffset())), "nothing changed");

        System.setProperty(CommitLogRecovery.DROP_DAMAGED, "true");
        try {
            store = fixture.open();
        } finally {
            System.clearProperty(CommitLogRecovery.DROP_DAMAGED);
        }
        assertEquals(victim.commitLogOffset() - Frame.HEADER_SIZE, store.writtenOffset());
        assertEquals(10, store.maxQueueOffset("t", 0));
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            // the first segment, and at most the next one prepared empty by the allocator since the start
            List<Path> later = files.sorted().skip(1).toList();
            assertTrue(later.size() <= 1, "later segments dropped: " + later);
            for (Path file : later) {
                byte[] bytes = Files.readAllBytes(file);
                assertTrue(IntStream.range(0, bytes.length).allMatch(i -> bytes[i] == 0), file + " holds no data");
            }
        }
    }

    /** Without a checkpoint a torn write can only be the last frame: records after damage in the same segment are kept. */
    @Test
    void damageFollowedByRecordsInTheSameSegmentStopsTheStartUntilTheOperatorAcceptsTheLoss() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 10);
        fixture.closeAndForgetCheckpoint();
        AppendedRecord victim = placed.get(3);
        byte[] b = readAt(victim.commitLogOffset() + 30, 1);
        b[0] ^= 0x55;
        writeAt(victim.commitLogOffset() + 30, b);
        byte[] before = Files.readAllBytes(segmentHolding(victim.commitLogOffset()));

        IllegalStateException refused = assertThrows(IllegalStateException.class, fixture::open);
        long next = placed.get(4).commitLogOffset() - Frame.HEADER_SIZE;
        assertTrue(refused.getMessage().contains("damaged at offset " + (victim.commitLogOffset() - Frame.HEADER_SIZE))
                && refused.getMessage().contains("records follow at offset " + next + " of the same segment"),
                refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segmentHolding(victim.commitLogOffset())), "nothing changed");

        System.setProperty(CommitLogRecovery.DROP_DAMAGED, "true");
        try {
            store = fixture.open();
        } finally {
            System.clearProperty(CommitLogRecovery.DROP_DAMAGED);
        }
        assertEquals(List.of("m0", "m1", "m2"), queueBodies("t"));
    }

    /** A page of zeros in the middle (never written back, or zeroed by the disk) is damage too when records follow. */
    @Test
    void zerosFollowedByRecordsWithoutACheckpointStopTheStart() throws IOException {
        List<AppendedRecord> placed = appendMany("t", 10);
        fixture.closeAndForgetCheckpoint();
        long frame = placed.get(3).commitLogOffset() - Frame.HEADER_SIZE;
        writeAt(frame, new byte[64]);
        IllegalStateException refused = assertThrows(IllegalStateException.class, fixture::open);
        assertTrue(refused.getMessage().contains("damaged at offset " + frame), refused.getMessage());
    }

    /** The search for intact frames after damage finds a frame at any byte position, after any run of zeros. */
    @Test
    void theSearchAfterDamageFindsAFrameAtAnyPosition() {
        ByteBuffer frame = ByteBuffer.allocate(4096);
        ByteBuffer record = record("t", 0, "x");
        Frame.putHeader(frame, record.remaining(), 1);
        frame.put(record);
        int size = frame.position();
        Frame.seal(frame, 0);
        for (int at = 1; at < 24; at++) {
            ByteBuffer view = ByteBuffer.allocate(at + size + 40);
            view.put(at, frame.array(), 0, size);
            assertEquals(at, CommitLogRecovery.nextFrame(view, 1), "frame at " + at);
            assertEquals(-1, CommitLogRecovery.nextFrame(view, at + 1), "nothing after the frame at " + at);
        }
    }

    /** Consume-queue files deleted by hand after retention took the log's head: offsets go on, not again from 0. */
    @Test
    void aQueueWhoseFilesWereLostIsRebuiltFromTheRecordsTheLogStillHolds() throws IOException {
        List<AppendedRecord> placed = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            placed.add(store.append(record("t", 0, "z".repeat(2000))).join().first());
        }
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
        fixture.close();
        Files.delete(dir.resolve("commitlog").resolve(String.format("%020d", 0))); // as retention deletes it
        try (Stream<Path> files = Files.walk(dir.resolve("consumequeue").resolve("t"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        store = fixture.open();
        long firstHeld = placed.stream().filter(r -> r.commitLogOffset() >= StoreFixture.SEGMENT_BYTES).findFirst()
                .orElseThrow().queueOffset();
        assertTrue(firstHeld > 0);
        assertEquals(firstHeld, store.minQueueOffset("t", 0));
        assertEquals(80, store.maxQueueOffset("t", 0));
        assertEquals(placed.get(79).commitLogOffset(),
                store.readQueue("t", 0, 79, 1, 1 << 20, null).records().get(0).commitLogOffset());
        assertEquals(80, store.append(record("t", 0, "after")).join().first().queueOffset(), "offsets go on");
    }

    /**
     * Past the last checkpoint nothing was flushed, and write-back may have saved the next segment's first pages but
     * not the end of this one before a power loss: a torn tail, cut as such, not refused as damage.
     */
    @Test
    void aTornFrameAfterTheCheckpointFollowedByRecordsInTheNextSegmentIsCutNotRefused() throws IOException {
        for (int i = 0; i < 3; i++) {
            store.append(record("t", 0, "y".repeat(2000))).join();
        }
        store.checkpoint();
        Map<String, byte[]> saved = new HashMap<>();
        var checkpoints = fixture.metadata.table(MetadataTable.CHECKPOINTS,
                Codec.STRING, Codec.BYTES);
        checkpoints.forEach(saved::put);
        List<AppendedRecord> placed = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            placed.add(store.append(record("t", 0, "y".repeat(2000))).join().first());
        }
        assertTrue(placed.get(59).commitLogOffset() >= StoreFixture.SEGMENT_BYTES, "the writes went on in the next segment");
        fixture.close();
        try (MetadataStore meta = MetadataStore.open(fixture.config.metadataDir())) {
            var table = meta.table(MetadataTable.CHECKPOINTS, Codec.STRING,
                    Codec.BYTES);
            saved.forEach(table::put); // the last checkpoint before the power loss
        }
        AppendedRecord torn = placed.get(5);
        byte[] b = readAt(torn.commitLogOffset() + 100, 1);
        b[0] ^= 0x55;
        writeAt(torn.commitLogOffset() + 100, b);

        store = fixture.open();
        assertEquals(torn.commitLogOffset() - Frame.HEADER_SIZE, store.writtenOffset());
        assertEquals(8, store.maxQueueOffset("t", 0));
    }

    /** A new queue file is not forced to disk: a power loss may keep its name and lose its zeros. */
    @Test
    void aQueueFileAPowerLossLeftShortAndEmptyIsRebuiltFromTheLog() throws IOException {
        appendMany("t", 70); // entries 64 on are in a second file
        fixture.close();
        Path second = dir.resolve("consumequeue").resolve("t").resolve("0").resolve(String.format("%020d", 64));
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        store = fixture.open();
        assertEquals(70, store.maxQueueOffset("t", 0));
        assertEquals(List.of("m64", "m65", "m66", "m67", "m68", "m69"), store.readQueue("t", 0, 64, 32, 1 << 20, null)
                .records().stream().map(r -> body(r.bytes())).toList());
    }

    @Test
    void aDirectoryHoldingRocketMqsCommitLogIsRefusedAndLeftAlone() throws IOException {
        fixture.close();
        Path other = dir.resolve("rocketmq-store");
        Path commitLog = other.resolve("commitlog").resolve(String.format("%020d", 0));
        Files.createDirectories(commitLog.getParent());
        ByteBuffer message = ByteBuffer.allocate(StoreFixture.SEGMENT_BYTES);
        message.putInt(0, 220).putInt(4, 0xDAA320A7); // a RocketMQ message's TOTALSIZE and MAGICCODE
        Files.write(commitLog, message.array());

        StoreFixture foreign = new StoreFixture(other);
        IllegalStateException refused = assertThrows(IllegalStateException.class, foreign::open);
        assertTrue(refused.getMessage().contains("does not begin with a Halfmoon record"), refused.getMessage());
        assertArrayEquals(message.array(), Files.readAllBytes(commitLog), "nothing changed");
        fixture = foreign; // (closed by tearDown, whatever it opened)
    }

    private void zeroQueueEntries(String topic, int from, int to) throws IOException {
        Path queueDir = dir.resolve("consumequeue").resolve(topic).resolve("0");
        for (int i = from; i < to; i++) {
            long fileStart = i - i % 64;
            try (FileChannel ch = FileChannel.open(queueDir.resolve(String.format("%020d", fileStart)),
                    StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(20), (long) (i - fileStart) * 20);
            }
        }
    }

    private static Byte[] box(byte[] bytes) {
        Byte[] out = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i];
        }
        return out;
    }
}
