package dev.halfmoon.remoting.body;

import java.util.Set;

/**
 * A consumer group membership in a heartbeat.
 *
 * @param consumeType      CONSUME_PASSIVELY (push) or CONSUME_ACTIVELY (pull)
 * @param messageModel     CLUSTERING or BROADCASTING
 * @param consumeFromWhere where a queue without a committed offset starts
 */
public record ConsumerData(String groupName, String consumeType, String messageModel, String consumeFromWhere,
                           Set<SubscriptionData> subscriptionDataSet, boolean unitMode) {
    public ConsumerData {
        if (groupName == null || groupName.isBlank()) {
            throw new IllegalArgumentException("a consumer in a heartbeat needs a groupName");
        }
        subscriptionDataSet = subscriptionDataSet == null ? Set.of() : Set.copyOf(subscriptionDataSet);
    }
}
