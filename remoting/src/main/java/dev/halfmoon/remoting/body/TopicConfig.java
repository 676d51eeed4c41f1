package dev.halfmoon.remoting.body;

import java.util.Map;
import java.util.Objects;

/**
 * A topic's configuration on a broker, with RocketMQ's field names. Immutable; validated.
 *
 * @param topicName       name, at most 127 characters of {@code [%|a-zA-Z0-9_-]}
 * @param readQueueNums   queues consumers read
 * @param writeQueueNums  queues producers write
 * @param perm            {@link Perm} bits
 * @param topicFilterType "SINGLE_TAG" or "MULTI_TAG"
 * @param topicSysFlag    unit flags, 0 normally
 * @param order           whether it is an ordered topic
 * @param attributes      RocketMQ 5's topic attributes ({@code message.type}, ...), as set by {@code updateTopic -a}
 */
public record TopicConfig(String topicName, int readQueueNums, int writeQueueNums, int perm, String topicFilterType,
                          int topicSysFlag, boolean order, Map<String, String> attributes) {
    public static final int MAX_QUEUES = 1024;

    public TopicConfig {
        Objects.requireNonNull(topicName, "topicName");
        topicFilterType = topicFilterType == null ? "SINGLE_TAG" : topicFilterType;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (readQueueNums < 0 || readQueueNums > MAX_QUEUES || writeQueueNums < 0 || writeQueueNums > MAX_QUEUES) {
            throw new IllegalArgumentException("queue numbers must be 0.." + MAX_QUEUES + ", were read "
                    + readQueueNums + " write " + writeQueueNums);
        }
    }

    /** A topic without attributes. */
    public TopicConfig(String topicName, int readQueueNums, int writeQueueNums, int perm, String topicFilterType,
                       int topicSysFlag, boolean order) {
        this(topicName, readQueueNums, writeQueueNums, perm, topicFilterType, topicSysFlag, order, Map.of());
    }

    /** A read-write topic with {@code queues} read and write queues. */
    public static TopicConfig of(String topic, int queues) {
        return new TopicConfig(topic, queues, queues, Perm.READ_WRITE, "SINGLE_TAG", 0, false);
    }

    /** The larger of the two queue counts: every queue that may hold messages. */
    public int queueCount() {
        return Math.max(readQueueNums, writeQueueNums);
    }
}
