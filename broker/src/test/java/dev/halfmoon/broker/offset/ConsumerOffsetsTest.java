package dev.halfmoon.broker.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
