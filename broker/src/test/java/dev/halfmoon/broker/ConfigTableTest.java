package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ConfigTableTest {
    @TempDir
    Path dir;

    /**
     * Two administrators change one topic at the same moment (a create and a delete, or two updates): what the broker
     * serves afterwards must be what a restart loads, or a restart silently undoes or revives a change.
     */
    @Test
    void concurrentChangesOfOneNameLeaveWhatIsServedEqualToWhatIsStored() throws Exception {
        ExecutorService admins = Executors.newFixedThreadPool(2);
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            KvTable<String, String> stored = metadata.table(MetadataTable.TOPICS, Codec.STRING, Codec.STRING);
            ConfigTable<String> table = new ConfigTable<>(stored, Clock.systemUTC());
            CyclicBarrier together = new CyclicBarrier(2);
            for (int round = 0; round < 4000; round++) {
                String name = "T" + round;
                table.put(name, "old");
                boolean updates = round % 2 == 0;
                CompletableFuture<?> a = CompletableFuture.runAsync(() -> {
                    await(together);
                    table.put(name, "A");
                }, admins);
                CompletableFuture<?> b = CompletableFuture.runAsync(() -> {
                    await(together);
                    if (updates) {
                        table.put(name, "B");
                    } else {
                        table.delete(name);
                    }
                }, admins);
                CompletableFuture.allOf(a, b).get();
                assertEquals(table.get(name).orElse(null), stored.get(name), "round " + round);
            }
        } finally {
            admins.shutdown();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
