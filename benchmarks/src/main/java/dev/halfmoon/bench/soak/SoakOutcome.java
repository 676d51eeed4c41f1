package dev.halfmoon.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a soak found; {@link #ok} when every check held. Printed with {@code toString}. */
public interface SoakOutcome {
    boolean ok();

    /** A soak run in a data directory of its own. */
    @FunctionalInterface
    interface Run {
        SoakOutcome in(Path dir) throws Exception;
    }

    /**
     * Runs {@code soak} in a new temp directory and prints what it found: exit code 0 and the
     * directory deleted if it held, 1 and the directory (data and the broker's process.log) kept
     * for a look if not or if the run failed.
     */
    static int runInTempDir(String prefix, Run soak) throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        Path dir = Files.createTempDirectory(prefix);
        try {
            SoakOutcome outcome = soak.in(dir);
            System.out.println(outcome);
            if (!outcome.ok()) {
                System.out.println("the data dir and the broker's output (process.log) are kept in " + dir);
                return 1;
            }
            dev.halfmoon.bench.LogBenchmark.deleteQuietly(dir);
            return 0;
        } catch (Exception e) {
            System.out.println("the data dir and the broker's output (process.log) are kept in " + dir);
            throw e;
        }
    }
}
