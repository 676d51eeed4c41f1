package dev.halfmoon.remoting;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of frames still arriving, held in the connections' buffers across one endpoint, and the most it holds:
 * past it, a connection holding more than {@value #ALWAYS_ALLOWED} bytes of an incomplete frame (and not alone) is
 * closed, so that connections sending huge frames slowly cannot take all of the process's buffer memory from the
 * others. Thread-safe.
 */
final class PartialFrames {
    /** A connection's incomplete frame up to this size is never refused. */
    static final int ALWAYS_ALLOWED = 1 << 20;
    static final PartialFrames UNLIMITED = new PartialFrames(Long.MAX_VALUE);

    private final AtomicLong held = new AtomicLong();
    private volatile long max;

    PartialFrames(long max) {
        this.max = max;
    }

    void max(long bytes) {
        this.max = bytes;
    }

    /**
     * A connection's incomplete frame went from {@code before} to {@code now} bytes.
     *
     * @return false, counting nothing, if it grew past the budget, holds more than {@link #ALWAYS_ALLOWED} and is not
     *         alone (its frame is within the frame limit)
     */
    boolean change(int before, int now) {
        long total = held.addAndGet(now - before);
        if (now > before && now > ALWAYS_ALLOWED && total > max && total > now) {
            held.addAndGet(-now);
            return false;
        }
        return true;
    }

    long held() {
        return held.get();
    }
}
