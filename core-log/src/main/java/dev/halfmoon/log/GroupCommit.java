package dev.halfmoon.log;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Appenders waiting for their bytes to reach the disk. Waiters are registered in offset order (under
 * the append lock), and one fsync completes every waiter it covered: that is the group commit.
 * Thread-safe; guarded by its own monitor.
 */
final class GroupCommit {
    /** How long an unhurried waiter may wait for an urgent one to share its fsync. */
    static final long UNHURRIED_NANOS = 1_000_000;

    /** Set by {@link #failAll}; guarded by this. */
    private boolean failed;

    private record Waiter(long endOffset, long registeredNanos, CompletableFuture<Boolean> done) {
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long urgentEnd;

    /**
     * A future that completes with true once everything below {@code endOffset} is flushed, false if
     * flushing failed.
     *
     * @param urgent false if nobody waits on it: the flush may then wait for an urgent waiter, up to
     *               {@link #UNHURRIED_NANOS}
     */
    synchronized CompletableFuture<Boolean> register(long endOffset, boolean urgent) {
        if (failed) { // (an appender that passed the health check just before flushing failed)
            return CompletableFuture.completedFuture(Boolean.FALSE);
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        waiters.addLast(new Waiter(endOffset, System.nanoTime(), done));
        if (urgent) {
            urgentEnd = Math.max(urgentEnd, endOffset);
        }
        return done;
    }

    /**
     * How long the flusher may still wait before flushing past {@code flushedOffset}: 0 if an urgent
     * waiter is above it (or nobody waits), else until the oldest unhurried waiter has waited
     * {@link #UNHURRIED_NANOS}.
     */
    synchronized long flushDelayNanos(long flushedOffset) {
        Waiter first = waiters.peekFirst();
        if (first == null || urgentEnd > flushedOffset || first.endOffset() <= flushedOffset) {
            return 0;
        }
        return Math.max(0, first.registeredNanos() + UNHURRIED_NANOS - System.nanoTime());
    }

    /** Completes every waiter covered by {@code flushedOffset}. */
    void completeUpTo(long flushedOffset) {
        ArrayDeque<Waiter> done = new ArrayDeque<>();
        synchronized (this) {
            while (!waiters.isEmpty() && waiters.peekFirst().endOffset() <= flushedOffset) {
                done.add(waiters.pollFirst());
            }
        }
        for (Waiter w : done) {
            w.done().complete(Boolean.TRUE);
        }
    }

    /** Flushing failed, for good: every waiter, now or later, learns its bytes are not durable. */
    void failAll() {
        ArrayDeque<Waiter> dropped;
        synchronized (this) {
            failed = true;
            dropped = new ArrayDeque<>(waiters);
            waiters.clear();
        }
        for (Waiter w : dropped) {
            w.done().complete(Boolean.FALSE);
        }
    }
}
