package dev.halfmoon.broker.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumerOffsetsTest {
    @TempDir
    Path dir;

    private static ConsumerOffsets open(MetadataStore metadata) {
        return ConsumerOffsets.load(metadata);
    }

    @Test
    void theLastCommitOfEveryQueueSurvivesARestartWhenCommittedFromManyThreads() {
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            ConsumerOffsets offsets = open(metadata);
            CompletableFuture<?>[] committers = IntStream.range(0, 4).mapToObj(q -> CompletableFuture.runAsync(() -> {
                for (long o = 0; o <= 5_000; o++) {
                    offsets.commit("g", "T", q, o);
                }
            })).toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(committers).join();
            offsets.reset("g", "T", 3, 7);
            offsets.close();
        }
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            ConsumerOffsets offsets = open(metadata);
            assertEquals(Map.of(0, 5_000L, 1, 5_000L, 2, 5_000L, 3, 7L), offsets.ofGroupAndTopic("g", "T"));
            offsets.close();
        }
    }

    @Test
    void aCommitIsWrittenBehindWithoutAClose() {
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            ConsumerOffsets offsets = open(metadata);
            offsets.commit("g", "T", 0, 42);
            var table = metadata.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(42).equals(table.get("T@g@0")));
            offsets.close();
            offsets.commit("g", "T", 0, 43);
            assertEquals(43L, table.get("T@g@0"), "after close a commit is written at once");
        }
    }

    @Test
    void whatIsWrittenIsAConsistentCutOfTheCommits() throws Exception {
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            ConsumerOffsets offsets = open(metadata);
            var table = metadata.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG);
            // like the delay scheduler: its progress (A) is committed before its scan position (B)
            CompletableFuture<Void> committer = CompletableFuture.runAsync(() -> {
                for (long i = 1; i <= 20_000; i++) {
                    for (int q = 0; q < 8; q++) {
                        offsets.commit("g", "A", q, i);
                    }
                    for (int q = 0; q < 8; q++) {
                        offsets.commit("g", "B", q, i);
                    }
                }
            });
            while (!committer.isDone()) {
                for (int q = 0; q < 8; q++) {
                    Long b = table.get("B@g@" + q); // read B first: A only grows
                    Long a = table.get("A@g@" + q);
                    if (b != null) {
                        assertTrue(a != null && a >= b, "B=" + b + " on disk without A=" + b + " (A=" + a + ")");
                    }
                }
            }
            committer.join();
            offsets.close();
            assertEquals(20_000L, table.get("A@g@0"));
            assertEquals(20_000L, table.get("B@g@0"));
        }
    }
}
