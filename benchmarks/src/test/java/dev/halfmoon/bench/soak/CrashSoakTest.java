package dev.halfmoon.bench.soak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The crash soak's short run for CI: three SIGKILLs of a real broker under transactional load. */
@Timeout(300)
class CrashSoakTest {
    @TempDir
    Path dir;

    @Test
    void threeCrashesLoseNothingCommittedDeliverNothingRolledBackAndStoreNothingTwice() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        long seed = System.nanoTime(); // each run crashes at other moments; a failure names its seed to replay it
        SoakReport report = new CrashSoak(dir, 3, 4, seed, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
        assertTrue(report.ok(), "seed " + seed + ": " + report + "\n" + progress.toString(StandardCharsets.UTF_8));
        // enough work to mean something on a slow machine too (952 in one CI-length run on a slow afternoon)
        assertTrue(report.acknowledged() > 400 && report.expectedPending() > 0, "seed " + seed + ": " + report);
    }
}
