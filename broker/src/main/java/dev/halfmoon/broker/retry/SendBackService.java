package dev.halfmoon.broker.retry;

import dev.halfmoon.broker.delay.DelayLevels;
import dev.halfmoon.broker.delay.Scheduling;
import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.send.AppendRefusal;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.TopicConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redelivery of messages a consumer could not process, RocketMQ's way: the message is copied to
 * {@code %RETRY%<group>} with a delay level (the consumer's, or 3 + times already redelivered),
 * one more reconsume time, and its original topic and first message id kept; once it has been
 * redelivered the maximum number of times (16 by default) it goes to {@code %DLQ%<group>} instead.
 * Thread-safe.
 */
public final class SendBackService {
    private final LogStore store;
    private final TopicRegistry topics;
    private final SubscriptionGroups groups;
    private final DelayLevels delays;
    private final InetSocketAddress storeHost;

    public SendBackService(LogStore store, TopicRegistry topics, SubscriptionGroups groups, DelayLevels delays,
                           InetSocketAddress storeHost) {
        this.store = store;
        this.topics = topics;
        this.groups = groups;
        this.delays = delays;
        this.storeHost = storeHost;
    }

    /**
     * Whether a stored message on {@code recordTopic} can be one {@code group} consumed from {@code originTopic}: never
     * a half, op or schedule record (nothing any consumer is given); its own retries; otherwise only a message on the
     * topic the consumer names (the access check asked for its right to read that topic, or for another group's
     * retries that group's right, as for pulling them). Without this, any offset sent back would copy an uncommitted
     * or rolled-back half, or a message of a topic the caller may not read, to the group's retry topic, where it could
     * pull it. (Every 4.x and 5.x client names the topic; a send-back that does not is refused.)
     */
    static boolean consumedBy(String recordTopic, String originTopic, String group) {
        if (SystemTopics.isInternal(recordTopic)) {
            return false;
        }
        if (recordTopic.equals(SystemTopics.retryTopic(group))) {
            return true;
        }
        return originTopic != null && recordTopic.equals(originTopic);
    }

    /**
     * Redelivers later, or dead-letters.
     *
     * @throws RequestException for an unknown group or a message that cannot be found
     */
    public CompletableFuture<Void> sendBack(SendBackRequest r) {
        SubscriptionGroupConfig group = groups.findOrCreate(r.group()).orElseThrow(() -> new RequestException(
                ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group not exist, " + r.group()));
        if (group.retryQueueNums() <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        ByteBuffer bytes = store.readRecord(r.commitLogOffset());
        if (bytes == null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "look message by offset failed, " + r.commitLogOffset());
        }
        RecordView failed = RecordView.of(bytes);
        if (!consumedBy(failed.topic(), r.originTopic(), r.group())) { // (RocketMQ 5's words, then why)
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "look message by offset failed to check the topic name: "
                    + "the message at offset " + r.commitLogOffset() + " is not one group " + r.group() + " consumed"
                    + (r.originTopic() == null ? "" : " from " + r.originTopic()));
        }
        Map<String, String> props = failed.properties();
        props.keySet().removeIf(MessageProperties::isBrokerInternal); // a retry is a new message, not a delivery
        props.putIfAbsent(MessageProperty.RETRY_TOPIC, failed.topic());
        // the first delivery's offset message id, as RocketMQ's broker keeps it (tools look it up with viewMessage)
        props.putIfAbsent(MessageProperty.ORIGIN_MESSAGE_ID, OffsetMessageId.encode(failed.storeHostBytes(),
                r.commitLogOffset()));
        int max = r.maxReconsumeTimes() >= 0 ? r.maxReconsumeTimes() : group.retryMaxTimes();
        String topic;
        int queueId;
        if (failed.reconsumeTimes() >= max || r.delayLevel() < 0) {
            topic = SystemTopics.dlqTopic(r.group());
            topics.ensure(topic, 1, Perm.READ_WRITE);
            queueId = 0;
            props.remove(MessageProperty.DELAY_TIME_LEVEL);
        } else {
            topic = SystemTopics.retryTopic(r.group());
            // the queues the retry topic has: raising retryQueueNums later does not grow an existing one
            TopicConfig retryTopic = topics.ensure(topic, group.retryQueueNums(), Perm.READ_WRITE);
            queueId = ThreadLocalRandom.current().nextInt(Math.max(1, Math.min(group.retryQueueNums(),
                    retryTopic.writeQueueNums())));
            int level = r.delayLevel() == 0 ? 3 + failed.reconsumeTimes() : r.delayLevel();
            props.put(MessageProperty.DELAY_TIME_LEVEL, Integer.toString(level));
        }
        RecordDraft retry = new RecordDraft(topic, queueId, failed.flag(), failed.sysFlag(), failed.bornTimestamp(),
                failed.bornHost(), storeHost, failed.reconsumeTimes() + 1, 0, failed.body(), MessageProperties.encode(props));
        RecordDraft stored = Scheduling.route(retry, delays, System.currentTimeMillis());
        return store.append(RecordEncoder.encode(stored)).thenAccept(result -> {
            if (!result.ok()) {
                throw new RequestException(ResponseCode.SYSTEM_ERROR, AppendRefusal.remark(result.status()));
            }
        });
    }
}
