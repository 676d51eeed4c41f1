package dev.halfmoon.broker.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The last hour of transaction activity for the web console's chart: every {@link #PERIOD_MS}
 * a sample of the pending count and the commit, rollback and check-back rates since the previous
 * sample, read from a source of cumulative totals. A fixed ring: memory does not grow with uptime.
 * Readers also get a live point (the rates since the last sample), so the chart is never empty.
 * Thread-safe.
 */
public final class History {
    /** Sampling period. */
    public static final long PERIOD_MS = 10_000;
    /** Samples kept: one hour. */
    public static final int CAPACITY = 360;

    /** One point of the chart; rates are per second over the period that ends at {@code timeMs}. */
    public record Sample(long timeMs, long pending, double commitsPerSec, double rollbacksPerSec, double checksPerSec) {
    }

    /** Cumulative counts read at one instant. */
    public record Totals(long timeMs, long pending, double commits, double rollbacks, double checks) {
    }

    private final java.util.function.Supplier<Totals> source;
    private final Sample[] ring = new Sample[CAPACITY];
    private int next;
    private int size;
    private Totals last;

    /** Starts with a baseline read from {@code source}. */
    public History(java.util.function.Supplier<Totals> source) {
        this.source = source;
        this.last = source.get();
    }

    /** Takes a sample (every {@link #PERIOD_MS}). */
    public synchronized void sample() {
        Totals now = source.get();
        Sample s = between(last, now);
        if (s != null) {
            ring[next] = s;
            next = (next + 1) % CAPACITY;
            size = Math.min(size + 1, CAPACITY);
            last = now;
        }
    }

    private static Sample between(Totals before, Totals now) {
        if (now.timeMs() <= before.timeMs()) {
            return null;
        }
        double seconds = (now.timeMs() - before.timeMs()) / 1000.0;
        return new Sample(now.timeMs(), now.pending(), rate(now.commits(), before.commits(), seconds),
                rate(now.rollbacks(), before.rollbacks(), seconds), rate(now.checks(), before.checks(), seconds));
    }

    private static double rate(double now, double before, double seconds) {
        return Math.max(0, now - before) / seconds;
    }

    /** Samples, oldest first, then a live point for now (when at least a second has passed). */
    public synchronized List<Sample> samples() {
        List<Sample> result = new ArrayList<>(size + 1);
        for (int i = 0; i < size; i++) {
            result.add(ring[(next - size + i + CAPACITY) % CAPACITY]);
        }
        Totals now = source.get();
        if (now.timeMs() - last.timeMs() >= 1000) {
            result.add(between(last, now));
        }
        return result;
    }
}
