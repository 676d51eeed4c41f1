package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many concurrent SYNC appends: every one must complete. (A flush that landed between an appender
 * publishing its end offset and registering as a waiter used to leave that waiter forever.)
 */
@Timeout(120)
class GroupCommitStressTest {
    @TempDir
    Path dir;

    @Test
    void everySyncAppendCompletesUnderContention() throws Exception {
        StoreFixture fixture = new StoreFixture(dir, FlushMode.SYNC_FLUSH);
        LogStore store = fixture.open();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 1500; i++) {
                        CompletableFuture<AppendResult> f = store.append(record("stress", thread % 2, "t" + thread + "-" + i));
                        if (f.get(10, TimeUnit.SECONDS).ok()) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> w : workers) {
                total += w.get(100, TimeUnit.SECONDS);
            }
            assertEquals(6 * 1500, total);
        } finally {
            pool.shutdownNow();
            fixture.close();
        }
    }

    @Test
    void anUnhurriedAppendRidesOnTheNextUrgentFsyncAndCompletesAlone() throws Exception {
        StoreFixture fixture = new StoreFixture(dir, FlushMode.SYNC_FLUSH);
        LogStore store = fixture.open();
        try {
            assertTrue(store.appendUnhurried(List.of(record("end", 0, "alone"))).get(5, TimeUnit.SECONDS).ok(),
                    "with nobody else appending it is flushed on its own, within about a millisecond");
            long before = store.flushCount();
            int pairs = 20;
            for (int i = 0; i < pairs; i++) {
                CompletableFuture<AppendResult> end = store.appendUnhurried(List.of(record("end", 0, "e" + i)));
                CompletableFuture<AppendResult> half = store.append(record("half", 0, "h" + i));
                assertTrue(half.get(5, TimeUnit.SECONDS).ok());
                assertTrue(end.get(5, TimeUnit.SECONDS).ok());
            }
            long flushes = store.flushCount() - before;
            assertTrue(flushes < pairs * 3 / 2, flushes + " fsyncs for " + pairs + " pairs: the unhurried appends did not share");
        } finally {
            fixture.close();
        }
    }
}
