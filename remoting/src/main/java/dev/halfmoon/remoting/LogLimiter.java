package dev.halfmoon.remoting;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Keeps a flood of alike log lines (a client sending garbage on thousands of connections) from
 * drowning the log and slowing the threads that write it: the first {@code perWindow} lines of a
 * window are written, the rest counted and summed up in one line when the next window starts.
 * Thread-safe.
 */
public final class LogLimiter {
    private final Logger log;
    private final String what;
    private final int perWindow;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private int written;
    private long suppressed;

    public LogLimiter(Logger log, String what, int perWindow, long window, TimeUnit unit) {
        this.log = log;
        this.what = what;
        this.perWindow = perWindow;
        this.windowNanos = unit.toNanos(window);
    }

    /** True if the caller may write its line now. */
    public boolean allow() {
        long summary;
        synchronized (this) {
            long now = System.nanoTime();
            summary = 0;
            if (now - windowStart >= windowNanos) {
                summary = suppressed;
                suppressed = 0;
                written = 0;
                windowStart = now;
            }
            if (written < perWindow) {
                written++;
            } else {
                suppressed++;
                return false;
            }
        }
        if (summary > 0) {
            log.warn("{} more {} in the last {} s were not logged", summary, what, TimeUnit.NANOSECONDS.toSeconds(windowNanos));
        }
        return true;
    }
}
