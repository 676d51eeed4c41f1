package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.body;
import static dev.halfmoon.log.TestRecords.record;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.halfmoon.log.meta.MetadataException;
import dev.halfmoon.log.meta.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full disk: the store lives on a 4 MiB tmpfs (skipped where mounting is not allowed).
 * Appends fail with DISK_FULL, nothing written before is harmed, and appends resume once space is freed.
 */
@Timeout(60)
class RealDiskFullTest {
    @TempDir
    Path tmp;
    Path mount;

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private Path mountTmpfs(String size) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()), "cannot mount a tmpfs here");
        mount = dir;
        return dir;
    }

    @Test
    void appendsFailCleanlyOnENOSPCAndResumeWhenSpaceReturns() throws Exception {
        Path dir = mountTmpfs("4m");
        Path ballast = dir.resolve("ballast");
        Files.write(ballast, new byte[1 << 20]);
        StoreConfig config = StoreConfig.defaults(dir.resolve("store"))
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(1 << 20))
                .withConsumeQueue(new ConsumeQueueConfig(64, false))
                .withRetention(new RetentionConfig(3_600_000, 95, 1.0, 50, 20));
        try (MetadataStore meta = MetadataStore.open(tmp.resolve("metadata"));
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            List<AppendedRecord> acked = new ArrayList<>();
            String body = "d".repeat(4000);
            AppendResult last = null;
            for (int i = 0; i < 2000; i++) {
                last = store.append(record("t", 0, body)).join();
                if (!last.ok()) {
                    break;
                }
                acked.add(last.first());
            }
            assertEquals(AppendStatus.DISK_FULL, last.status());
            assertTrue(acked.size() > 100);
            for (AppendedRecord a : acked) {
                assertNotNull(store.readRecord(a.commitLogOffset()));
            }
            assertEquals(body, body(store.readRecord(acked.get(acked.size() - 1).commitLogOffset())));

            Files.delete(ballast);
            await().atMost(Duration.ofSeconds(5)).until(() -> store.append(record("t", 0, "again")).join().ok());
            await().until(() -> store.maxQueueOffset("t", 0) == acked.size() + 1);
        }
    }

    @Test
    void retentionUnderDiskPressureGivesTheSpaceBackAndKeepsWhatFits() throws Exception {
        Path dir = mountTmpfs("8m");
        StoreConfig config = StoreConfig.defaults(dir.resolve("store"))
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(1 << 20))
                .withConsumeQueue(new ConsumeQueueConfig(64, false))
                .withRetention(new RetentionConfig(3_600_000, 50, 1.0, 50, 20, 0));
        DiskUsage disk = DiskUsage.of(dir);
        try (MetadataStore meta = MetadataStore.open(tmp.resolve("metadata"));
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            List<AppendedRecord> acked = new ArrayList<>();
            String body = "d".repeat(4000);
            for (int i = 0; i < 1500; i++) { // 6 MiB, three quarters of the disk: over diskMaxUsedSpaceRatio
                AppendResult r = store.append(record("t", 0, body)).join();
                assertTrue(r.ok(), r.status().toString());
                acked.add(r.first());
            }
            // the deleted segments' blocks really return (not only once a GC unmaps them), so retention stops
            // deleting once the disk is under the ratio, instead of deleting all but the active segment
            await().atMost(Duration.ofSeconds(10)).until(() -> disk.usedRatio() <= 0.5);
            long held = acked.stream().filter(a -> store.readRecord(a.commitLogOffset()) != null).count();
            assertTrue(held >= 400, "records still held: " + held + " of " + acked.size());
            assertEquals(body, body(store.readRecord(acked.get(acked.size() - 1).commitLogOffset())));
        }
    }
    /**
     * A disk that filled up while the store was closed: the metadata database cannot even open. The reserve made while
     * it ran is given back first, and the store opens, its records intact.
     */
    @Test
    void aStoreOnADiskThatFilledUpWhileItWasClosedOpensOnItsReserve() throws Exception {
        Path dir = mountTmpfs("128m");
        Path root = dir.resolve("store");
        StoreConfig config = StoreConfig.defaults(root)
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(1 << 20))
                .withConsumeQueue(new ConsumeQueueConfig(64, true));
        AppendedRecord written;
        try (MetadataStore meta = MetadataStore.open(config.metadataDir());
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            written = store.append(record("t", 0, "kept", null, "key-1")).join().first();
        }
        new SpaceReserve(root, DiskUsage.of(dir), 0.75).keep(true);
        Path reserve = root.resolve(SpaceReserve.FILE_NAME);
        assertEquals(Math.min(SpaceReserve.MAX_BYTES, Files.getFileStore(dir).getTotalSpace() / 100), Files.size(reserve));
        fillUp(dir.resolve("ballast"));
        assertThrows(MetadataException.class, () -> MetadataStore.open(config.metadataDir()).close(),
                "without the reserve the metadata database cannot open");

        Path halfMade = root.resolve(SpaceReserve.FILE_NAME + ".tmp"); // (one a crash cut short; the disk had room then)
        Files.delete(dir.resolve("ballast"));
        Files.write(halfMade, new byte[4096]);
        fillUp(dir.resolve("ballast"));
        assertTrue(SpaceReserve.releaseAtStart(root));
        assertFalse(Files.exists(reserve));
        assertFalse(Files.exists(halfMade));
        try (MetadataStore meta = MetadataStore.open(config.metadataDir());
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            assertEquals("kept", body(store.readRecord(written.commitLogOffset())));
            assertEquals(1, store.maxQueueOffset("t", 0));
        }
    }

    /** Writes to {@code file} until the disk is full. */
    private static void fillUp(Path file) throws Exception {
        byte[] chunk = new byte[64 * 1024];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 1 << 16; i++) {
                out.write(chunk);
            }
        } catch (java.io.IOException e) {
            assertTrue(e.getMessage().contains("No space left"), e.toString());
            return;
        }
        throw new AssertionError("the disk did not fill up");
    }
}
