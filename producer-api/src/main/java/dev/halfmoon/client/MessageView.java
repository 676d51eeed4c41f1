package dev.halfmoon.client;

import dev.halfmoon.message.MessageProperty;
import java.util.Map;

/**
 * A message as delivered to a consumer or a transaction check. Immutable.
 *
 * @param topic           the topic it was sent to (the original one for a redelivery)
 * @param body            the body
 * @param properties      every property
 * @param messageId       its unique id (UNIQ_KEY), stable across redeliveries and check-backs
 * @param offsetMessageId the broker's id of this stored copy
 * @param brokerName      where it came from
 * @param queueId         queue
 * @param queueOffset     position in the queue
 * @param reconsumeTimes  how many times it was redelivered before this delivery
 * @param bornTimestamp   when the producer sent it, ms
 * @param storeTimestamp  when the broker stored it, ms
 */
public record MessageView(String topic, byte[] body, Map<String, String> properties, String messageId,
                          String offsetMessageId, String brokerName, int queueId, long queueOffset, int reconsumeTimes,
                          long bornTimestamp, long storeTimestamp) {
    public MessageView {
        properties = Map.copyOf(properties);
    }

    public String tag() {
        return properties.get(MessageProperty.TAGS);
    }

    public String keys() {
        return properties.get(MessageProperty.KEYS);
    }

    /** The transaction id of a transactional message (its unique id). */
    public String transactionId() {
        return messageId;
    }
}
