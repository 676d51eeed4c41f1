package dev.halfmoon.log;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses appends while the disk is fuller than {@code diskSpaceWarningLevelRatio} and lets them
 * through again once it is not. Runs on the retention thread.
 */
final class DiskGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);

    private final DiskUsage usage;
    private final double refuseAbove;
    private final StoreHealth health;

    /**
     * Judges by what the disk really holds: the blocks of deleted segments still waiting for their grace
     * period count as used (the disk could otherwise fill for real, and other writers on it with it).
     */
    DiskGuard(DiskUsage usage, double refuseAbove, StoreHealth health) {
        this.usage = usage;
        this.refuseAbove = refuseAbove;
        this.health = health;
    }

    /**
     * Below this much free space (or a 64th of the disk, if that is less) the appends that let retention give space
     * back (carrying pending halves out of a segment before it goes), which a full disk lets through, are refused too:
     * they could otherwise fill the disk to the last byte, and the metadata database and the consume queues would fail
     * with it. The segment then stays until space returns.
     */
    static final long FREEING_FLOOR_BYTES = 16L << 20;

    /** Probes the disk once and updates the store's health. */
    void check() {
        try {
            double used = usage.usedRatio();
            health.diskFull(used > refuseAbove,
                    String.format("%.1f%% of the disk used, appends refused above %.1f%% (diskSpaceWarningLevelRatio)",
                            used * 100, refuseAbove * 100));
            long usable = usage.usableBytes();
            long total = usage.totalBytes();
            long floor = total > 0 ? Math.min(FREEING_FLOOR_BYTES, total / 64) : FREEING_FLOOR_BYTES;
            health.diskCritical(usable < floor, String.format("%,d bytes free, under the %,d bytes that retention's own "
                    + "writes keep free", usable, floor));
        } catch (IOException e) {
            LOG.warn("cannot read disk usage: {}", e.toString());
        }
    }
}
