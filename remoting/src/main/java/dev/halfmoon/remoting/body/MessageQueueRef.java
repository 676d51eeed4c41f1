package dev.halfmoon.remoting.body;

/** RocketMQ's {@code MessageQueue}: a topic queue on a named broker. As a JSON object in bodies. */
public record MessageQueueRef(String topic, String brokerName, int queueId) {
}
