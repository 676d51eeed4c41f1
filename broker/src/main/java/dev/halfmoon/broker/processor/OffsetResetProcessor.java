package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.QueueKeyedJson;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVOKE_BROKER_TO_RESET_OFFSET: moves a consumer group's offsets on a topic to the first message
 * stored at or after a time (only backwards unless forced), or, when a queue is named (RocketMQ 5's
 * {@code queueId}, with an {@code offset} or not), that queue only, and tells the group's live
 * consumers (RESET_CONSUMER_CLIENT_OFFSET) so they pick the new offsets up.
 */
public final class OffsetResetProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetResetProcessor.class);

    private final LogStore store;
    private final TopicRegistry topics;
    private final ConsumerOffsets offsets;
    private final ClientRegistry clients;
    private final String brokerName;

    public OffsetResetProcessor(LogStore store, TopicRegistry topics, ConsumerOffsets offsets, ClientRegistry clients,
                                String brokerName) {
        this.store = store;
        this.topics = topics;
        this.offsets = offsets;
        this.clients = clients;
        this.brokerName = brokerName;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand r) {
        String topicName = Headers.required(r, "topic");
        String group = Headers.required(r, "group");
        long timestamp = Headers.requiredLong(r, "timestamp");
        boolean force = Headers.optionalBoolean(r, "isForce", true);
        TopicConfig topic = topics.get(topicName).orElseThrow(() -> new RequestException(ResponseCode.TOPIC_NOT_EXIST,
                "topic[" + topicName + "] not exist"));
        if (SystemNames.isSystemGroup(group)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the offsets of the system group " + group
                    + " cannot be reset");
        }
        // RocketMQ 5's tools name one queue, and may give its offset (mqadmin resetOffsetByTime -q ... -o ...)
        int onlyQueue = Headers.optionalInt(r, "queueId", -1);
        long offset = Headers.optionalLong(r, "offset", -1);
        if (onlyQueue >= topic.queueCount()) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "topic[" + topicName + "] has no queue " + onlyQueue
                    + " (it has " + topic.queueCount() + ")");
        }
        Map<MessageQueueRef, Long> table = new HashMap<>();
        for (int q = onlyQueue >= 0 ? onlyQueue : 0; q < (onlyQueue >= 0 ? onlyQueue + 1 : topic.queueCount()); q++) {
            long target = onlyQueue >= 0 && offset >= 0
                    ? Math.max(store.minQueueOffset(topicName, q), Math.min(offset, store.maxQueueOffset(topicName, q)))
                    : timestamp < 0 ? store.maxQueueOffset(topicName, q) : store.queueOffsetByTime(topicName, q, timestamp);
            long current = offsets.get(group, topicName, q);
            if (force || onlyQueue >= 0 || current < 0 || target < current) { // (one named queue: as asked)
                offsets.reset(group, topicName, q, target);
                table.put(new MessageQueueRef(topicName, brokerName, q), target);
            }
        }
        if (!offsets.writeNow()) { // an acknowledged reset must survive a kill right after it
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the reset offsets of group " + group
                    + " could not be written to the metadata store (they apply now and are written again in a second)");
        }
        byte[] body = QueueKeyedJson.object(Map.of(), "offsetTable", table);
        RemotingCommand notice = RemotingCommand.request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, Map.of("topic", topicName,
                "group", group, "timestamp", Long.toString(timestamp), "isForce", Boolean.toString(force)), body);
        clients.consumerGroup(group).ifPresent(g -> {
            for (ClientChannel c : g.members()) {
                c.channel().oneway(notice);
            }
        });
        LOG.info("offsets of group {} on topic {} reset to time {}: {}", group, topicName, timestamp, table.values());
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(body));
    }
}
