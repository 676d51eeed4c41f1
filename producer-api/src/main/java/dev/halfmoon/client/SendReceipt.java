package dev.halfmoon.client;

/**
 * Where a sent message was stored. Immutable.
 *
 * @param messageId       the message's unique id (UNIQ_KEY): what consumers see as its id
 * @param offsetMessageId the broker's id of the stored record (address + commit-log offset)
 * @param topic           the topic
 * @param brokerName      the broker that stored it
 * @param queueId         the queue
 * @param queueOffset     its position in the queue
 */
public record SendReceipt(String messageId, String offsetMessageId, String topic, String brokerName, int queueId,
                          long queueOffset) {
}
