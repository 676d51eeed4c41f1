package dev.halfmoon.log;

/**
 * Settings of the commit log. Immutable; validated on construction.
 *
 * @param segmentSizeBytes      size of each segment file ({@code mappedFileSizeCommitLog}, default 1 GiB);
 *                              also the upper bound of one append
 * @param flushMode             {@code flushDiskType}, default {@link FlushMode#ASYNC_FLUSH}
 * @param flushIntervalMs       background flush period under ASYNC ({@code flushIntervalCommitLog}, default 500)
 * @param checkBodyCrcOnRecover verify each record's body CRC during recovery ({@code checkCRCOnRecover}, default true)
 */
public record CommitLogConfig(int segmentSizeBytes, FlushMode flushMode, int flushIntervalMs,
                              boolean checkBodyCrcOnRecover) {
    public static final int DEFAULT_SEGMENT_SIZE_BYTES = 1 << 30;
    public static final int MIN_SEGMENT_SIZE_BYTES = 4096;

    public CommitLogConfig {
        if (segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES) {
            throw new IllegalArgumentException("mappedFileSizeCommitLog must be at least " + MIN_SEGMENT_SIZE_BYTES
                    + " bytes, was " + segmentSizeBytes);
        }
        if (flushMode == null) {
            throw new IllegalArgumentException("flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH");
        }
        if (flushIntervalMs < 1 || flushIntervalMs > 60_000) {
            throw new IllegalArgumentException("flushIntervalCommitLog must be 1..60000 ms, was " + flushIntervalMs);
        }
    }

    /** The defaults from DESIGN.md. */
    public static CommitLogConfig defaults() {
        return new CommitLogConfig(DEFAULT_SEGMENT_SIZE_BYTES, FlushMode.ASYNC_FLUSH, 500, true);
    }

    public CommitLogConfig withSegmentSizeBytes(int bytes) {
        return new CommitLogConfig(bytes, flushMode, flushIntervalMs, checkBodyCrcOnRecover);
    }

    public CommitLogConfig withFlushMode(FlushMode mode) {
        return new CommitLogConfig(segmentSizeBytes, mode, flushIntervalMs, checkBodyCrcOnRecover);
    }

    public CommitLogConfig withFlushIntervalMs(int ms) {
        return new CommitLogConfig(segmentSizeBytes, flushMode, ms, checkBodyCrcOnRecover);
    }
}
