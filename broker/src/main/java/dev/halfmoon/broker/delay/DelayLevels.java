package dev.halfmoon.broker.delay;

import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.remoting.Durations;
import java.util.Arrays;

/**
 * RocketMQ's delay levels ({@code messageDelayLevel}): level n (1-based) waits the n-th duration of
 * a list like "1s 5s 10s 30s 1m 2m ... 2h" (units s, m, h, d). Immutable.
 */
public final class DelayLevels {
    public static final String DEFAULT = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    private final long[] delaysMs;

    private DelayLevels(long[] delaysMs) {
        this.delaysMs = delaysMs;
    }

    /**
     * Parses a level list.
     *
     * @throws ConfigException naming {@code messageDelayLevel} and the bad entry
     */
    public static DelayLevels parse(String spec) {
        String[] parts = spec.trim().split("\\s+");
        long[] delays = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                delays[i] = Durations.parseMs(p);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("messageDelayLevel entry: " + e.getMessage());
            }
            if (delays[i] <= 0) {
                throw new ConfigException("messageDelayLevel entry '" + p + "' must be positive");
            }
        }
        return new DelayLevels(delays);
    }

    /** The highest level. */
    public int max() {
        return delaysMs.length;
    }

    /** Delay of {@code level} (clamped to 1..max), ms. */
    public long delayMs(int level) {
        return delaysMs[Math.max(1, Math.min(level, delaysMs.length)) - 1];
    }

    @Override
    public String toString() {
        return Arrays.toString(delaysMs);
    }
}
