package dev.halfmoon.broker.offset;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a group without a committed offset starts: RocketMQ's rule, on a real store. */
class OffsetQueriesTest {
    private static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);

    @TempDir
    Path dir;

    @Test
    void aNewGroupStartsAtZeroOnlyWhileTheQueuesFirstRecordIsRecent() {
        StoreConfig config = StoreConfig.defaults(dir);
        try (MetadataStore metadata = MetadataStore.open(config.metadataDir())) {
            LogStore store = LogStore.open(config, metadata, StoreHooks.defaults()).start(List.of());
            try {
                ConsumerOffsets offsets = ConsumerOffsets.load(metadata);
                assertEquals(OptionalLong.of(0), new OffsetQueries(offsets, store, 1 << 20).startOffset("CG", "T", 0),
                        "an empty queue: its start is its end");
                for (int i = 0; i < 20; i++) {
                    store.append(List.of(RecordEncoder.encode(new RecordDraft("T", 0, 0, 0, System.currentTimeMillis(), HOST,
                            HOST, 0, 0, ByteBuffer.wrap(("order " + i).getBytes(StandardCharsets.UTF_8)), "")))).join();
                }
                await().until(() -> store.maxQueueOffset("T", 0) == 20);
                assertEquals(OptionalLong.of(0), new OffsetQueries(offsets, store, 1 << 20).startOffset("CG", "T", 0),
                        "a young queue: from its start");
                assertEquals(OptionalLong.empty(), new OffsetQueries(offsets, store, 1_000).startOffset("CG", "T", 0),
                        "its first record long behind the log's end: the client decides (the end, by default)");
                offsets.commit("CG", "T", 0, 7);
                assertEquals(OptionalLong.of(7), new OffsetQueries(offsets, store, 1_000).startOffset("CG", "T", 0));
                offsets.close();
            } finally {
                store.close();
            }
        }
    }
}
