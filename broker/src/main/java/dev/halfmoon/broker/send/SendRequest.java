package dev.halfmoon.broker.send;

import java.net.InetSocketAddress;

/**
 * A decoded send (SEND_MESSAGE, SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE). Immutable.
 *
 * @param producerGroup          the sender's group
 * @param topic                  target topic
 * @param defaultTopicQueueNums  queues to create the topic with when auto-creation is on
 * @param queueId                requested queue, negative for "any"
 * @param sysFlag                message sys flag bits as sent
 * @param bornTimestamp          producer clock, ms
 * @param flag                   user flag
 * @param properties             properties string
 * @param reconsumeTimes         deliveries so far (retries)
 * @param maxReconsumeTimes      limit from the consumer, or -1
 * @param batch                  the body holds several encoded messages
 * @param body                   body bytes
 * @param bornHost               producer address
 */
public record SendRequest(String producerGroup, String topic, int defaultTopicQueueNums, int queueId, int sysFlag,
                          long bornTimestamp, int flag, String properties, int reconsumeTimes, int maxReconsumeTimes,
                          boolean batch, byte[] body, InetSocketAddress bornHost) {
}
