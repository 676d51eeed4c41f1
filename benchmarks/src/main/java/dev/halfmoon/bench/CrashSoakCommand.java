package dev.halfmoon.bench;

import dev.halfmoon.bench.soak.CrashSoak;
import dev.halfmoon.bench.soak.SoakOutcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code halfmoon-bench crash-soak}: see {@link CrashSoak}. */
@Command(name = "crash-soak", mixinStandardHelpOptions = true,
        description = "SIGKILL a Halfmoon broker at random moments under transactional load (SYNC_FLUSH), restart it on "
                + "the same data, then check nothing committed was lost, nothing rolled back was delivered, nothing was "
                + "stored twice, and the pending set is what the producers left undecided. Exit 0 only if all held.")
public final class CrashSoakCommand implements Callable<Integer> {
    @Option(names = "--cycles", defaultValue = "20", description = "Crashes (default ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--producers", defaultValue = "4", description = "Producer threads (default ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed for the crash moments (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        return SoakOutcome.runInTempDir("halfmoon-crash-soak", dir -> new CrashSoak(dir, cycles, producers, seed, System.out).run());
    }
}
