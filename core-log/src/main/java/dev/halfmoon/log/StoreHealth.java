package dev.halfmoon.log;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store accepts appends: not while the disk is too full (cleared when space returns)
 * and never again after an I/O failure (the store turns read-only until restarted). Thread-safe;
 * written by the append, flush and disk-guard threads, read by everyone.
 */
public final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private volatile boolean diskFull;
    private volatile boolean diskCritical;
    private final java.util.concurrent.atomic.AtomicLong corruptRecords = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Set<Long> reportedCorruption = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** True while appends are refused for lack of disk space. */
    public boolean diskFull() {
        return diskFull;
    }

    /** The I/O failure that made the store read-only, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** True when appends may proceed. */
    public boolean writable() {
        return !diskFull && failure.get() == null;
    }

    void diskFull(boolean full, String why) {
        if (full != diskFull) {
            diskFull = full;
            if (full) {
                LOG.error("store refuses appends: disk full ({})", why);
            } else {
                LOG.info("store accepts appends again: disk space returned ({})", why);
            }
        }
    }

    /** The disk is so full that even retention's own writes (carrying records forward) are refused. */
    void diskCritical(boolean critical, String why) {
        if (critical != diskCritical) {
            diskCritical = critical;
            if (critical) {
                LOG.error("store refuses even retention's carries: disk almost full ({}); old segments holding pending "
                        + "transactions stay until space is freed", why);
            } else {
                LOG.info("retention may carry records forward again ({})", why);
            }
        }
    }

    /** Distinct corrupt records found on reads (each is refused, never served). */
    public long corruptRecords() {
        return corruptRecords.get();
    }

    /**
     * Passes judgement on a record about to be served: true if {@code damage} is null; otherwise the record
     * is reported as corrupt, with {@code reader} (and the {@code queueOffset} it read at, if not negative)
     * saying which read found it, and must not be served. Builds no text unless the record is corrupt.
     *
     * @param damage what {@link LogReads#damage} found wrong with it, or null
     */
    boolean intact(String damage, long commitLogOffset, Object reader, long queueOffset) {
        if (damage == null) {
            return true;
        }
        corrupt(commitLogOffset, reader + (queueOffset < 0 ? "" : " queue offset " + queueOffset) + ": " + damage);
        return false;
    }

    /** A read found the record at {@code commitLogOffset} corrupt; logged once per record. */
    void corrupt(long commitLogOffset, String what) {
        if (reportedCorruption.size() < 100_000 && reportedCorruption.add(commitLogOffset)) {
            corruptRecords.incrementAndGet();
            LOG.error("corrupt record at commit-log offset {} ({}); it is not served. Restore the segment from a replica "
                    + "or backup, or move consumers past it by resetting their offset", commitLogOffset, what);
        }
    }

    void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            LOG.error("store is now read-only after an I/O failure", cause);
        }
    }

    /** Maps the health to the status an append gets, or OK. */
    AppendStatus appendStatus() {
        return appendStatus(false);
    }

    /**
     * @param freeing the append lets retention give space back: a full disk does not refuse it (a failed store, or a
     *                disk under {@link DiskGuard#FREEING_FLOOR_BYTES} free, does)
     */
    AppendStatus appendStatus(boolean freeing) {
        if (failure.get() != null) {
            return AppendStatus.STORE_FAILED;
        }
        return (freeing ? diskCritical : diskFull) ? AppendStatus.DISK_FULL : AppendStatus.OK;
    }
}
