package dev.halfmoon.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the store needs: where it lives and the settings of each part. Immutable.
 *
 * @param rootDir              {@code storePathRootDir}; holds {@code commitlog/}, {@code consumequeue/}, {@code metadata/}
 * @param commitLog            commit-log settings
 * @param consumeQueue         consume-queue and index settings
 * @param retention            retention and disk-space settings
 * @param checkpointIntervalMs how often durable positions are recorded (default 1000 ms)
 */
public record StoreConfig(Path rootDir, CommitLogConfig commitLog, ConsumeQueueConfig consumeQueue,
                          RetentionConfig retention, long checkpointIntervalMs) {
    public StoreConfig {
        Objects.requireNonNull(rootDir, "storePathRootDir");
        Objects.requireNonNull(commitLog, "commitLog");
        Objects.requireNonNull(consumeQueue, "consumeQueue");
        Objects.requireNonNull(retention, "retention");
        if (checkpointIntervalMs < 10 || checkpointIntervalMs > 600_000) {
            throw new IllegalArgumentException("checkpoint interval must be 10..600000 ms, was " + checkpointIntervalMs);
        }
    }

    /** Defaults from DESIGN.md under {@code rootDir}. */
    public static StoreConfig defaults(Path rootDir) {
        return new StoreConfig(rootDir, CommitLogConfig.defaults(), ConsumeQueueConfig.defaults(),
                RetentionConfig.defaults(), 1000);
    }

    public StoreConfig withCommitLog(CommitLogConfig config) {
        return new StoreConfig(rootDir, config, consumeQueue, retention, checkpointIntervalMs);
    }

    public StoreConfig withConsumeQueue(ConsumeQueueConfig config) {
        return new StoreConfig(rootDir, commitLog, config, retention, checkpointIntervalMs);
    }

    public StoreConfig withRetention(RetentionConfig config) {
        return new StoreConfig(rootDir, commitLog, consumeQueue, config, checkpointIntervalMs);
    }

    public Path commitLogDir() {
        return rootDir.resolve("commitlog");
    }

    public Path consumeQueueDir() {
        return rootDir.resolve("consumequeue");
    }

    public Path metadataDir() {
        return rootDir.resolve("metadata");
    }
}
