package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.body;
import static dev.halfmoon.log.TestRecords.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted topic's queues are dropped (RocketMQ's deleteTopic): its old records are never served again, not after a
 * restart nor a replay of the whole log, and a topic made again under the same name starts at queue offset 0.
 */
@Timeout(60)
class TopicDropTest {
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

    private void append(String topic, int queueId, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            store.append(record(topic, queueId, prefix + i)).join();
        }
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());
    }

    private List<String> bodies(String topic, int queueId) {
        List<String> bodies = new ArrayList<>();
        long next = store.minQueueOffset(topic, queueId);
        for (int turn = 0; turn < 1_000; turn++) {
            QueueReadResult r = store.readQueue(topic, queueId, next, 32, 1 << 20, null);
            if (r.records().isEmpty()) {
                break;
            }
            r.records().forEach(x -> bodies.add(body(x.bytes())));
            next = r.nextOffset();
        }
        return bodies;
    }

    @Test
    void aDroppedTopicsRecordsAreNotServedAndItStartsAgainAtZero() {
        append("T", 0, "old-", 30);
        append("T", 1, "old1-", 5);
        append("U", 0, "u-", 10);
        assertTrue(store.queueTopics().containsAll(List.of("T", "U")));

        assertTrue(store.dropTopic("T", 10_000));
        assertEquals(0, store.maxQueueOffset("T", 0));
        assertEquals(0, store.maxQueueOffset("T", 1));
        assertEquals(ReadStatus.NO_MESSAGE_IN_QUEUE, store.readQueue("T", 0, 0, 32, 1 << 20, null).status());
        assertFalse(store.queueTopics().contains("T"));
        assertEquals(10, bodies("U", 0).size(), "other topics keep their queues");
        assertFalse(Files.exists(dir.resolve("consumequeue").resolve("T")), "the topic's directory is gone");

        assertEquals(0, store.append(record("T", 0, "new-0")).join().first().queueOffset());
        append("T", 0, "next-", 2);
        assertEquals(List.of("new-0", "next-0", "next-1"), bodies("T", 0));
        assertTrue(store.queueEntries("T", 0, 0, 10).stream().allMatch(e -> e.commitLogOffset() > 0));

        store = fixture.reopen();
        assertEquals(List.of("new-0", "next-0", "next-1"), bodies("T", 0), "after a restart");
        assertEquals(List.of(), bodies("T", 1));
        assertEquals(10, bodies("U", 0).size());
        assertEquals(3, store.append(record("T", 0, "after")).join().first().queueOffset());
    }

    @Test
    void aQueryByKeyFindsNoMessageOfTheTopicFromBeforeItsDrop() {
        store.append(record("T", 0, "old", null, "order-1")).join();
        append("T", 0, "filler-", 1);
        assertEquals(1, store.findByKey("T", "order-1", 0, Long.MAX_VALUE, 10).size());
        assertTrue(store.dropTopic("T", 10_000));
        assertEquals(List.of(), store.findByKey("T", "order-1", 0, Long.MAX_VALUE, 10));
        store.append(record("T", 0, "new", null, "order-1")).join();
        List<String> found = store.findByKey("T", "order-1", 0, Long.MAX_VALUE, 10).stream().map(TestRecords::body).toList();
        assertEquals(List.of("new"), found);
    }

    @Test
    void aReplayOfTheWholeLogDoesNotBringADroppedTopicBack() {
        append("T", 0, "old-", 30);
        append("U", 0, "u-", 10);
        assertTrue(store.dropTopic("T", 10_000));
        append("T", 0, "new-", 3);

        // a crash that left no checkpoint of the queues: every record of the log is dispatched again
        forgetCheckpointKeepingDrops();
        store = fixture.open();
        assertEquals(List.of("new-0", "new-1", "new-2"), bodies("T", 0));
        assertEquals(3, store.maxQueueOffset("T", 0));
        assertEquals(10, bodies("U", 0).size());
    }

    @Test
    void aDropPastTheEndOfALogThatLostItsTailDoesNotHideTheRecordsWrittenThere() throws IOException {
        append("T", 0, "old-", 5);
        AppendedRecord firstLost = store.append(record("U", 0, "lost-0")).join().first();
        append("U", 0, "lost-", 4);
        assertTrue(store.dropTopic("T", 10_000)); // recorded at the end, past the U records
        // ASYNC_FLUSH and a crash: the log's tail (the U records) is gone, the drop's synced record is not
        forgetCheckpointKeepingDrops();
        long cut = firstLost.commitLogOffset() - Frame.HEADER_SIZE;
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(dir.resolve("commitlog")
                .resolve(String.format("%020d", cut - cut % StoreFixture.SEGMENT_BYTES)).toFile(), "rw")) {
            raf.setLength(cut % StoreFixture.SEGMENT_BYTES);
            raf.setLength(StoreFixture.SEGMENT_BYTES);
        }

        store = fixture.open();
        assertEquals(cut, store.writtenOffset());
        append("T", 0, "new-", 2); // written where the drop's offset used to point past
        assertEquals(List.of("new-0", "new-1"), bodies("T", 0), "queued, not taken for records from before the drop");
        store = fixture.reopen();
        assertEquals(List.of("new-0", "new-1"), bodies("T", 0));
    }

    @Test
    void aQueueFileFromBeforeTheDropFoundAtOpenIsRemovedNotServed() throws IOException {
        append("T", 0, "old-", 30);
        fixture.close();
        Path saved = dir.resolve("saved-T");
        copy(dir.resolve("consumequeue").resolve("T"), saved);
        store = fixture.open();
        assertTrue(store.dropTopic("T", 10_000));
        append("T", 0, "new-", 3);
        fixture.close();
        // as if a crash came after the drop was recorded and before its files were removed
        copy(saved, dir.resolve("consumequeue").resolve("T"));

        store = fixture.open();
        assertEquals(List.of("new-0", "new-1", "new-2"), bodies("T", 0));
        assertEquals(0, store.minQueueOffset("T", 0));
    }

    @Test
    void recordsAppendedWhileTheTopicIsDroppedLandInTheOldQueueOrTheNewOneNeverBetween() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> queueOffsets = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                long offset = store.append(record("T", 0, "m-" + i)).join().first().queueOffset();
                synchronized (queueOffsets) {
                    queueOffsets.add(offset);
                    sent.add("m-" + i);
                }
            }
        });
        producer.start();
        await().until(() -> {
            synchronized (queueOffsets) {
                return queueOffsets.size() > 200;
            }
        });
        assertTrue(store.dropTopic("T", 10_000));
        await().until(() -> {
            synchronized (queueOffsets) {
                return queueOffsets.size() > 400 && queueOffsets.get(queueOffsets.size() - 1) > 100;
            }
        });
        stop.set(true);
        producer.join(10_000);
        await().until(() -> store.dispatchedOffset() == store.writtenOffset());

        int restart;
        synchronized (queueOffsets) {
            restart = queueOffsets.lastIndexOf(0L); // the first record after the drop
            for (int i = restart; i < queueOffsets.size(); i++) {
                assertEquals(i - restart, queueOffsets.get(i), "queue offsets count again from 0 without a gap");
            }
        }
        assertTrue(restart > 0);
        assertEquals(sent.subList(restart, sent.size()), bodies("T", 0), "exactly the records after the drop, in order");
    }

    /** Closes the store and deletes its checkpoint but not the records of its drops, as a crash before any checkpoint. */
    private void forgetCheckpointKeepingDrops() {
        fixture.close();
        try (MetadataStore meta = MetadataStore.open(fixture.config.metadataDir())) {
            var table = meta.table(MetadataTable.CHECKPOINTS, Codec.STRING, Codec.BYTES);
            List<String> keys = new ArrayList<>();
            table.forEach((k, v) -> keys.add(k));
            keys.stream().filter(k -> !k.startsWith("dropped/")).forEach(table::delete);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
