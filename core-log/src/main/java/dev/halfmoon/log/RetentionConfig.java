package dev.halfmoon.log;

/**
 * When segments are deleted and when appends are refused for lack of disk. Immutable; validated
 * on construction.
 *
 * @param fileReservedTimeMs         keep a segment at least this long after its last write
 *                                   ({@code fileReservedTime}, RocketMQ gives it in hours; default 72 h)
 * @param diskMaxUsedSpaceRatio      above this share of the disk in use, delete oldest segments even if young
 *                                   ({@code diskMaxUsedSpaceRatio}, percent, default 75)
 * @param diskSpaceWarningLevelRatio above this share, refuse appends until space returns
 *                                   ({@code diskSpaceWarningLevelRatio}, default 0.90)
 * @param cleanIntervalMs            period of the retention pass ({@code cleanResourceInterval}, default 10000)
 * @param diskCheckIntervalMs        period of the disk-usage probe, default 1000
 * @param releaseGraceMs             how long a deleted segment's blocks stay allocated, so that readers of it
 *                                   finish ({@code destroyMapedFileIntervalForcibly}, default 120000)
 */
public record RetentionConfig(long fileReservedTimeMs, int diskMaxUsedSpaceRatio, double diskSpaceWarningLevelRatio,
                              long cleanIntervalMs, long diskCheckIntervalMs, long releaseGraceMs) {
    public static final long DEFAULT_RELEASE_GRACE_MS = 120_000;

    /** With the default grace period. */
    public RetentionConfig(long fileReservedTimeMs, int diskMaxUsedSpaceRatio, double diskSpaceWarningLevelRatio,
                           long cleanIntervalMs, long diskCheckIntervalMs) {
        this(fileReservedTimeMs, diskMaxUsedSpaceRatio, diskSpaceWarningLevelRatio, cleanIntervalMs, diskCheckIntervalMs,
                DEFAULT_RELEASE_GRACE_MS);
    }

    public RetentionConfig {
        if (fileReservedTimeMs < 0) {
            throw new IllegalArgumentException("fileReservedTime must not be negative, was " + fileReservedTimeMs + " ms");
        }
        if (diskMaxUsedSpaceRatio < 10 || diskMaxUsedSpaceRatio > 95) {
            throw new IllegalArgumentException("diskMaxUsedSpaceRatio must be 10..95 (percent), was " + diskMaxUsedSpaceRatio);
        }
        if (!(diskSpaceWarningLevelRatio > 0 && diskSpaceWarningLevelRatio <= 1.0)) {
            throw new IllegalArgumentException("diskSpaceWarningLevelRatio must be in (0, 1], was " + diskSpaceWarningLevelRatio);
        }
        if (cleanIntervalMs < 10 || diskCheckIntervalMs < 10) {
            throw new IllegalArgumentException("cleanResourceInterval and the disk check interval must be at least 10 ms, were "
                    + cleanIntervalMs + " and " + diskCheckIntervalMs);
        }
        if (releaseGraceMs < 0) {
            throw new IllegalArgumentException("destroyMapedFileIntervalForcibly must not be negative, was " + releaseGraceMs);
        }
    }

    public static RetentionConfig defaults() {
        return new RetentionConfig(72L * 3600 * 1000, 75, 0.90, 10_000, 1_000);
    }
}
