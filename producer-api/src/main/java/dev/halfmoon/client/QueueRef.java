package dev.halfmoon.client;

/**
 * One queue of a topic on a named broker. Immutable.
 *
 * @param topic      the topic
 * @param brokerName the broker group holding it
 * @param queueId    the queue id on that broker
 */
public record QueueRef(String topic, String brokerName, int queueId) {
    @Override
    public String toString() {
        return topic + "@" + brokerName + ":" + queueId;
    }
}
