package dev.halfmoon.broker.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The last hour of transaction activity for the web console's chart: every {@link #PERIOD_MS}
 * a sample of the pending count and the commit, rollback and check-back rates since the previous
 * sample. A fixed ring: memory does not grow with uptime. Thread-safe.
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

    private final Sample[] ring = new Sample[CAPACITY];
    private int next;
    private int size;
    private Totals last;

    /** Records a sample from cumulative totals (the first call only sets the baseline). */
    public synchronized void record(Totals now) {
        if (last != null && now.timeMs() > last.timeMs()) {
            double seconds = (now.timeMs() - last.timeMs()) / 1000.0;
            ring[next] = new Sample(now.timeMs(), now.pending(), rate(now.commits(), last.commits(), seconds),
                    rate(now.rollbacks(), last.rollbacks(), seconds), rate(now.checks(), last.checks(), seconds));
            next = (next + 1) % CAPACITY;
            size = Math.min(size + 1, CAPACITY);
        }
        last = now;
    }

    private static double rate(double now, double before, double seconds) {
        return Math.max(0, now - before) / seconds;
    }

    /** Samples, oldest first. */
    public synchronized List<Sample> samples() {
        List<Sample> result = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            result.add(ring[(next - size + i + CAPACITY) % CAPACITY]);
        }
        return result;
    }
}
