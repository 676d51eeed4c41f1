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

    /** Probes the disk once and updates the store's health. */
    void check() {
        try {
            double used = usage.usedRatio();
            health.diskFull(used > refuseAbove,
                    String.format("%.1f%% of the disk used, appends refused above %.1f%% (diskSpaceWarningLevelRatio)",
                            used * 100, refuseAbove * 100));
        } catch (IOException e) {
            LOG.warn("cannot read disk usage: {}", e.toString());
        }
    }
}
