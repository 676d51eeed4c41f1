package dev.halfmoon.log;

/** When an append counts as done. Names follow RocketMQ's {@code flushDiskType}. */
public enum FlushMode {
    /** Done once the bytes are in the page cache; a background thread flushes every interval. */
    ASYNC_FLUSH,
    /** Done only after the bytes are on disk; concurrent appenders share one fsync (group commit). */
    SYNC_FLUSH
}
