package dev.halfmoon.bench.soak;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Times when this JVM itself did not run: a thread that asks to sleep 1 ms at a time and notes each
 * wake-up that came more than {@value #NOTED_MS} ms late (a safepoint pause of this JVM, or the
 * machine not scheduling it at all). A client's wait that overlaps such a gap is not the server's
 * doing. Thread-safe; a daemon thread until {@link #close}.
 */
final class Hiccups implements AutoCloseable {
    static final long NOTED_MS = 20;
    private static final int KEPT = 10_000;

    private record Gap(long from, long to) {
    }

    private final Deque<Gap> gaps = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long longestMs;

    Hiccups() {
        thread = new Thread(this::watch, "hiccup-meter");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        long noted = TimeUnit.MILLISECONDS.toNanos(NOTED_MS);
        long last = System.nanoTime();
        while (running) {
            LockSupport.parkNanos(1_000_000);
            long now = System.nanoTime();
            if (now - last > noted) {
                note(last, now);
            }
            last = now;
        }
    }

    private synchronized void note(long from, long to) {
        if (gaps.size() == KEPT) {
            gaps.removeFirst();
        }
        gaps.addLast(new Gap(from, to));
        longestMs = Math.max(longestMs, (to - from) / 1_000_000);
    }

    /** Milliseconds of {@code [from, to)} ({@link System#nanoTime} values) this JVM spent in noted gaps. */
    synchronized long pausedMs(long from, long to) {
        long paused = 0;
        for (Gap g : gaps) {
            paused += Math.max(0, Math.min(to, g.to) - Math.max(from, g.from));
        }
        return paused / 1_000_000;
    }

    /** The longest gap noted so far, ms. */
    synchronized long longestMs() {
        return longestMs;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
