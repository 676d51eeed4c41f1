package dev.halfmoon.bench;

import java.util.List;
import picocli.CommandLine.Option;

/** The load options the messaging, transactions and compare benchmarks share (a picocli mixin). */
final class LoadOptions {
    @Option(names = "--producers", defaultValue = "4", description = "Producer threads (default ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--size", defaultValue = "1024", description = "Body bytes (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--flush", split = ",", defaultValue = "ASYNC_FLUSH,SYNC_FLUSH", description = "Flush modes to run.")
    List<String> modes;
}
