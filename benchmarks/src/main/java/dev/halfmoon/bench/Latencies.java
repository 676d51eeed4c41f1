package dev.halfmoon.bench;

import java.util.Arrays;

/** Collects latency samples (µs) into a fixed array and reports percentiles. Thread-safe by slot. */
final class Latencies {
    private final long[] micros;

    Latencies(int capacity) {
        micros = new long[capacity];
        Arrays.fill(micros, -1);
    }

    void record(int slot, long value) {
        if (slot >= 0 && slot < micros.length) {
            micros[slot] = value;
        }
    }

    /** The p-th percentile (0..100) of the recorded samples, in µs; -1 if none. */
    long percentile(double p) {
        long[] sorted = Arrays.stream(micros).filter(v -> v >= 0).sorted().toArray();
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    long count() {
        return Arrays.stream(micros).filter(v -> v >= 0).count();
    }
}
