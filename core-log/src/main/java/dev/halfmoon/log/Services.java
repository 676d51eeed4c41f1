package dev.halfmoon.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's background loops and their order of start and stop: {@code halfmoon-allocate}
 * (commit-log space ahead of the writer), {@code halfmoon-flush}, {@code halfmoon-dispatch},
 * {@code halfmoon-checkpoint} and {@code halfmoon-retention} (which also runs the disk guard and keeps the {@link SpaceReserve}). Stopping flushes and dispatches what is left on the calling thread.
 */
final class Services {
    private static final Logger LOG = LoggerFactory.getLogger(Services.class);
    /** The space reserve is first made this long after the start, not to slow starts (and short-lived test stores). */
    private static final long RESERVE_AFTER_NANOS = 60_000_000_000L;

    private final CommitLog commitLog;
    private final GroupCommit groupCommit;
    private final Dispatcher dispatcher;
    private final ServiceThread allocate;
    private final ServiceThread flush;
    private final ServiceThread dispatch;
    private final ServiceThread retention;
    private final Signal retentionSignal = new Signal();
    private final Retention retentionPass;
    /** When the next retention pass is due (set on the retention thread; 0 by {@link #requestRetention}). */
    private volatile long nextCleanMs;
    /** An operator asked for the next pass (deleteExpiredCommitLog). */
    private volatile boolean retentionAsked;
    private final long checkpointIntervalMs;
    private final Signal flushSignal;
    private final Flusher flusher;
    private final StoreHealth health;
    private ServiceThread checkpoint;

    Services(StoreConfig config, StoreHooks hooks, StoreHealth health, CommitLog commitLog, GroupCommit groupCommit,
             Dispatcher dispatcher, Signal dispatchSignal, Signal flushSignal, Signal allocateSignal, SegmentSet segments,
             java.util.function.LongConsumer trimBelow) {
        this.commitLog = commitLog;
        this.groupCommit = groupCommit;
        this.dispatcher = dispatcher;
        this.checkpointIntervalMs = config.checkpointIntervalMs();
        this.flushSignal = flushSignal;
        this.health = health;
        this.flusher = new Flusher(commitLog, groupCommit, health, dispatchSignal);
        this.allocate = new ServiceThread("allocate", commitLog::allocateAhead, allocateSignal, 1000);
        long flushIdle = config.commitLog().flushIntervalMs();
        this.flush = groupCommit != null ? new ServiceThread("flush", flusher, flushSignal, () -> flusher.idleMs(10))
                : new ServiceThread("flush", flusher, flushSignal, flushIdle);
        this.dispatch = new ServiceThread("dispatch", dispatcher, dispatchSignal, 10);
        RetentionConfig rc = config.retention();
        DiskUsage usage = hooks.diskUsage() != null ? hooks.diskUsage() : DiskUsage.of(config.rootDir());
        DiskGuard guard = new DiskGuard(usage, rc.diskSpaceWarningLevelRatio(), health);
        this.retentionPass = new Retention(segments, trimBelow, rc, hooks.retentionHook(), usage, hooks.clock(),
                () -> Math.min(commitLog.flushedOffset(), dispatcher.dispatchedOffset()), commitLog, this::awaitFlushed);
        long graceNanos = rc.releaseGraceMs() * 1_000_000;
        SpaceReserve reserve = new SpaceReserve(config.rootDir(), usage, rc.diskMaxUsedSpaceRatio() / 100.0);
        long reserveFrom = System.nanoTime() + RESERVE_AFTER_NANOS;
        this.retention = new ServiceThread("retention", () -> {
            segments.releaseRetired(graceNanos);
            guard.check();
            reserve.keep(System.nanoTime() - reserveFrom >= 0);
            long now = hooks.clock().millis();
            if (now >= nextCleanMs) {
                nextCleanMs = now + rc.cleanIntervalMs();
                boolean asked = retentionAsked;
                retentionAsked = false;
                retentionPass.pass(asked);
            }
            return 0;
        }, retentionSignal, rc.diskCheckIntervalMs());
        guard.check();
    }

    void start(Runnable checkpointAction) {
        checkpoint = new ServiceThread("checkpoint", () -> {
            checkpointAction.run();
            return 0;
        }, new Signal(), checkpointIntervalMs);
        allocate.start();
        flush.start();
        dispatch.start();
        checkpoint.start();
        retention.start();
    }

    Flusher flusher() {
        return flusher;
    }

    /** Retention's fileReservedTime and diskMaxUsedSpaceRatio from the next pass on (mqadmin updateBrokerConfig). */
    void retention(RetentionConfig next) {
        retentionPass.config(next);
    }

    /** Asks for a retention pass now rather than at its next interval (mqadmin deleteExpiredCommitLog). */
    void requestRetention() {
        retentionAsked = true;
        nextCleanMs = 0;
        retentionSignal.raise();
    }

    /** Asks the flush loop to flush now rather than at its next interval. */
    void requestFlush() {
        flushSignal.raise();
    }

    /**
     * Asks the flush loop to flush now and waits, at most {@code timeoutMs}, until the log is on disk
     * below {@code offset}; false if it is not by then, or at once once the store has failed (no flush
     * will come).
     */
    boolean awaitFlushed(long offset, long timeoutMs) {
        if (commitLog.flushedOffset() >= offset) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        flushSignal.raise();
        while (commitLog.flushedOffset() < offset) {
            if (health.failure() != null || System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Stops every loop, then flushes and dispatches the remainder on this thread. */
    void stop() {
        retention.close();
        if (checkpoint != null) {
            checkpoint.close();
        }
        allocate.close();
        flush.close();
        try {
            long flushed = commitLog.flush();
            if (groupCommit != null) {
                groupCommit.completeUpTo(flushed);
            }
        } catch (LogIOException e) {
            LOG.error("final flush failed", e);
            if (groupCommit != null) {
                groupCommit.failAll();
            }
        }
        dispatch.close();
        dispatcher.drain();
    }
}
