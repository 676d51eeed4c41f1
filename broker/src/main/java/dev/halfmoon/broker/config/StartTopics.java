package dev.halfmoon.broker.config;

/**
 * Topics a broker makes at start for RocketMQ's clients and tools, as RocketMQ's broker does. Immutable.
 *
 * @param clusterTopic whether the topic named after the cluster is readable and writable ({@code clusterTopicEnable});
 *                     it exists either way, so {@code mqadmin topicStatus -c <cluster>} and other look-ups of the
 *                     cluster's brokers through it find them
 * @param brokerTopic  the same for the topic named after the broker ({@code brokerTopicEnable})
 * @param traceTopic   the message-trace topic to make ({@code msgTraceTopicName}), or null ({@code traceTopicEnable}
 *                     false): clients started with {@code enableTrace} send their traces there
 */
public record StartTopics(boolean clusterTopic, boolean brokerTopic, String traceTopic) {
}
