package dev.halfmoon.broker.retry;

/**
 * A decoded CONSUMER_SEND_MSG_BACK: a consumer could not process a message. Immutable.
 *
 * @param commitLogOffset   where the failed message is stored
 * @param group             the consumer group
 * @param delayLevel        0: let the broker choose (3 + reconsume times); negative: straight to the DLQ
 * @param maxReconsumeTimes the consumer's limit, or -1 for the group's
 * @param originMsgId       the message id of the first delivery, if the consumer knows it
 * @param originTopic       the topic the consumer says it consumed the message from (null from clients before 4.x)
 */
public record SendBackRequest(long commitLogOffset, String group, int delayLevel, int maxReconsumeTimes,
                              String originMsgId, String originTopic) {
}
