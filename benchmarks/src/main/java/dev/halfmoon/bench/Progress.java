package dev.halfmoon.bench;

import java.util.concurrent.atomic.AtomicLong;

/** Prints a progress line every few seconds for a long phase: done/total and the current rate. Thread-safe. */
final class Progress {
    private final String phase;
    private final long total;
    private final String unit;
    private final long startNanos = System.nanoTime();
    private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());
    private volatile long lastDone;

    Progress(String phase, long total, String unit) {
        this.phase = phase;
        this.total = total;
        this.unit = unit;
    }

    /** Reports {@code done}; prints if 2 s passed since the last line. */
    void update(long done) {
        long now = System.nanoTime();
        long last = lastPrint.get();
        if (now - last >= 2_000_000_000L && lastPrint.compareAndSet(last, now)) {
            double rate = (done - lastDone) / ((now - last) / 1e9);
            lastDone = done;
            System.out.printf("  [%s] %,d / %,d %s, %,.0f %s/s, %.1f s elapsed%n", phase, done, total, unit, rate, unit,
                    (now - startNanos) / 1e9);
        }
    }
}
