package dev.halfmoon.client;

import dev.halfmoon.message.MessageProperty;
import java.util.Map;

/**
 * A message as delivered to a consumer or a transaction check. Immutable.
 *
 * @param topic           the topic it was sent to (the original one for a redelivery)
 * @param body            the body (see {@link #body()})
 * @param properties      every property
 * @param messageId       its unique id (UNIQ_KEY), stable across redeliveries and check-backs
 * @param offsetMessageId the broker's id of this stored copy
 * @param brokerName      where it came from
 * @param queueId         queue
 * @param queueOffset     position in the queue
 * @param reconsumeTimes  how many times it was redelivered before this delivery
 * @param bornTimestamp   when the producer sent it, ms
 * @param storeTimestamp  when the broker stored it, ms
 * @param bodyProblem     why the body as stored cannot be read (a producer's compression this client cannot undo, or
 *                        bytes that do not decompress), or null when it can
 */
public record MessageView(String topic, byte[] body, Map<String, String> properties, String messageId,
                          String offsetMessageId, String brokerName, int queueId, long queueOffset, int reconsumeTimes,
                          long bornTimestamp, long storeTimestamp, String bodyProblem) {
    public MessageView {
        properties = Map.copyOf(properties);
    }

    /** A message whose body could be read. */
    public MessageView(String topic, byte[] body, Map<String, String> properties, String messageId,
                       String offsetMessageId, String brokerName, int queueId, long queueOffset, int reconsumeTimes,
                       long bornTimestamp, long storeTimestamp) {
        this(topic, body, properties, messageId, offsetMessageId, brokerName, queueId, queueOffset, reconsumeTimes,
                bornTimestamp, storeTimestamp, null);
    }

    /**
     * The body, decompressed if the producer compressed it.
     *
     * @throws ClientException if it cannot be read ({@link #bodyProblem()} says why); a push consumer never hands
     *                         such a message to its handler but sends it to the group's dead-letter queue
     */
    @Override
    public byte[] body() {
        if (bodyProblem != null) {
            throw new ClientException("the body of message " + messageId + " (" + offsetMessageId + ") cannot be read: "
                    + bodyProblem);
        }
        return body;
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
