package dev.halfmoon.bench;

import dev.halfmoon.bench.soak.GarbageSoak;
import dev.halfmoon.bench.soak.SoakOutcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code halfmoon-bench garbage-soak}: see {@link GarbageSoak}. */
@Command(name = "garbage-soak", mixinStandardHelpOptions = true,
        description = "Feed a Halfmoon broker and name server bad frames (random, truncated, bit-flipped, huge lengths, "
                + "garbled or missing headers, unknown codes) and slow-loris connections while a well-behaved official "
                + "client sends and consumes; exit 0 only if it saw no error and no stall over a second, got everything, "
                + "and the broker's heap did not grow.")
public final class GarbageSoakCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "1000000", description = "Bad frames to send (default ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--attackers", defaultValue = "2", description = "Attacking threads; every other one attacks the name server (default ${DEFAULT-VALUE}).")
    int attackers;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        return SoakOutcome.runInTempDir("halfmoon-garbage-soak", dir -> new GarbageSoak(dir, frames, attackers, seed, System.out).run());
    }
}
