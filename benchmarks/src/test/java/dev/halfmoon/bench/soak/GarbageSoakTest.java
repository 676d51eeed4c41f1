package dev.halfmoon.bench.soak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The garbage soak's short run for CI: 20 000 bad frames while a well-behaved client carries on. */
@Timeout(300)
class GarbageSoakTest {
    @TempDir
    Path dir;

    @Test
    void badFramesNeverDisturbAWellBehavedClient() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        GarbageSoak.Report report = new GarbageSoak(dir, 20_000, 2, 11, new PrintStream(progress, true,
                StandardCharsets.UTF_8)).run();
        System.out.println("garbage soak: " + report); // (the margins, in the test's output, also when it passes)
        assertTrue(report.ok(), report + "\n" + progress.toString(StandardCharsets.UTF_8));
    }
}
