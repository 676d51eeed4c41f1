package dev.halfmoon.log;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Appenders waiting for their bytes to reach the disk. Waiters are registered in offset order (under
 * the append lock), and one fsync completes every waiter it covered: that is the group commit.
 * Thread-safe; guarded by its own monitor.
 */
final class GroupCommit {
    private record Waiter(long endOffset, CompletableFuture<Boolean> done) {
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    /** A future that completes with true once everything below {@code endOffset} is flushed, false if flushing failed. */
    synchronized CompletableFuture<Boolean> register(long endOffset) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        waiters.addLast(new Waiter(endOffset, done));
        return done;
    }

    /** True if someone waits for an offset above {@code flushedOffset}. */
    synchronized boolean hasWaitersAbove(long flushedOffset) {
        Waiter last = waiters.peekLast();
        return last != null && last.endOffset() > flushedOffset;
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

    /** Flushing failed: every waiter learns its bytes are not durable. */
    void failAll() {
        ArrayDeque<Waiter> failed;
        synchronized (this) {
            failed = new ArrayDeque<>(waiters);
            waiters.clear();
        }
        for (Waiter w : failed) {
            w.done().complete(Boolean.FALSE);
        }
    }
}
