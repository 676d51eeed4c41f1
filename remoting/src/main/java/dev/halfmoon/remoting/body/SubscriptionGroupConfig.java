package dev.halfmoon.remoting.body;

import java.util.Objects;

/**
 * A consumer group's configuration on a broker, with RocketMQ's field names and defaults.
 * Immutable.
 *
 * @param groupName                      the group
 * @param consumeEnable                  whether it may consume at all
 * @param consumeFromMinEnable           start from the minimum offset when it has none
 * @param consumeBroadcastEnable         whether broadcasting consumers are allowed
 * @param retryQueueNums                 queues of its retry topic (1)
 * @param retryMaxTimes                  redeliveries before a message goes to its DLQ (16)
 * @param brokerId                       preferred broker id to pull from (0)
 * @param whichBrokerWhenConsumeSlowly   broker id to switch to when slow (1)
 * @param notifyConsumerIdsChangedEnable tell members when the group changes
 */
public record SubscriptionGroupConfig(String groupName, boolean consumeEnable, boolean consumeFromMinEnable,
                                      boolean consumeBroadcastEnable, int retryQueueNums, int retryMaxTimes, long brokerId,
                                      long whichBrokerWhenConsumeSlowly, boolean notifyConsumerIdsChangedEnable) {
    public static final int DEFAULT_RETRY_MAX_TIMES = 16;

    public SubscriptionGroupConfig {
        Objects.requireNonNull(groupName, "groupName");
        if (retryQueueNums < 0 || retryMaxTimes < 0) {
            throw new IllegalArgumentException("retryQueueNums and retryMaxTimes must not be negative");
        }
    }

    /** A group with RocketMQ's defaults. */
    public static SubscriptionGroupConfig of(String group) {
        return new SubscriptionGroupConfig(group, true, true, true, 1, DEFAULT_RETRY_MAX_TIMES, 0, 1, true);
    }
}
