package dev.halfmoon.log;

/**
 * The flush policy. Under ASYNC it forces the commit log once per interval; under SYNC it forces as
 * soon as an appender waits, completing every waiter the fsync covered (group commit), then wakes
 * the dispatcher, which only shows flushed records under SYNC. Unhurried appends (nobody waits on
 * them) wait up to a millisecond for an urgent one, so that one fsync serves both. Runs on {@code halfmoon-flush}.
 * An fsync failure makes the store read-only and tells every waiter, then and later; nothing is flushed after it.
 */
final class Flusher implements ServiceThread.Work {
    private final CommitLog log;
    private final GroupCommit groupCommit;
    private final StoreHealth health;
    private final Signal dispatch;
    private final java.util.concurrent.atomic.AtomicLong flushes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong flushNanos = new java.util.concurrent.atomic.AtomicLong();

    /** @param groupCommit the SYNC waiters, or null under ASYNC */
    Flusher(CommitLog log, GroupCommit groupCommit, StoreHealth health, Signal dispatch) {
        this.log = log;
        this.groupCommit = groupCommit;
        this.health = health;
        this.dispatch = dispatch;
    }

    /** How long the loop should sleep after an idle turn, ms. */
    long idleMs(long syncIdleMs) {
        return deferredNanos > 0 ? Math.max(1, deferredNanos / 1_000_000) : syncIdleMs;
    }

    private volatile long deferredNanos;

    /** Flushes done so far. */
    long flushCount() {
        return flushes.get();
    }

    /** Total time spent in fsync, ns. */
    long flushNanos() {
        return flushNanos.get();
    }

    @Override
    public int doWork() {
        if (log.writtenOffset() <= log.flushedOffset() || log.flushFailed()) {
            // (appenders register as waiters before they publish their end, so no flush covers one unseen)
            deferredNanos = 0;
            return 0;
        }
        if (groupCommit != null) {
            deferredNanos = groupCommit.flushDelayNanos(log.flushedOffset());
            if (deferredNanos > 0) {
                return 0;
            }
        }
        long flushed;
        long begin = System.nanoTime();
        try {
            flushed = log.flush();
            flushes.incrementAndGet();
            flushNanos.addAndGet(System.nanoTime() - begin);
        } catch (LogIOException e) {
            health.fail(e);
            if (groupCommit != null) {
                groupCommit.failAll();
            }
            throw e;
        }
        if (groupCommit == null) {
            return 0;
        }
        groupCommit.completeUpTo(flushed);
        dispatch.raise();
        return 1;
    }
}
