package dev.halfmoon.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/halfmoon-bench}: one subcommand per benchmark. */
@Command(name = "halfmoon-bench", mixinStandardHelpOptions = true,
        description = "Halfmoon benchmarks. Each prints its figures and the ratio to a baseline measured in the same run.",
        subcommands = {LogBenchmark.class, MessagingBenchmark.class, TransactionBenchmark.class, PendingScaleBenchmark.class,
            CompareBenchmark.class, CrashSoakCommand.class,
            GarbageSoakCommand.class, HeldPullsBenchmark.class})
public final class Bench implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
