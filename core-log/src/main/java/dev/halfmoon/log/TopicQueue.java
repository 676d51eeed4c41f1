package dev.halfmoon.log;

import java.util.Objects;

/**
 * One queue of one topic: the unit that consume queues and queue offsets belong to. Immutable.
 *
 * @param topic   stored topic name
 * @param queueId queue id, not negative
 */
public record TopicQueue(String topic, int queueId) {
    public TopicQueue {
        Objects.requireNonNull(topic, "topic");
        if (queueId < 0) {
            throw new IllegalArgumentException("queue id must not be negative: " + queueId);
        }
    }

    @Override
    public String toString() {
        return topic + ":" + queueId;
    }
}
