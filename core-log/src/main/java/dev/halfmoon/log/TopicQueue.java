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

    // equals and hashCode written out: a record's own are bootstrapped by invokedynamic on first use (a dozen
    // method-handle classes spun on the start's main thread), and this is the key of every queue map
    @Override
    public boolean equals(Object o) {
        return o instanceof TopicQueue q && queueId == q.queueId && topic.equals(q.topic);
    }

    @Override
    public int hashCode() {
        return topic.hashCode() * 31 + queueId;
    }

    @Override
    public String toString() {
        return topic + ":" + queueId;
    }
}
