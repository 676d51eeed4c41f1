package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.offset.OffsetQueries;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.TopicConfig;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Consumer offsets and queue bounds: QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_MAX_OFFSET,
 * GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP and GET_EARLIEST_MSG_STORETIME.
 */
public final class OffsetProcessor {
    private final ConsumerOffsets offsets;
    private final OffsetQueries queries;
    private final LogStore store;
    private final TopicRegistry topics;

    public OffsetProcessor(ConsumerOffsets offsets, OffsetQueries queries, LogStore store, TopicRegistry topics) {
        this.offsets = offsets;
        this.queries = queries;
        this.store = store;
        this.topics = topics;
    }

    /**
     * Registers the queries on {@code executor}, and UPDATE_CONSUMER_OFFSET and QUERY_CONSUMER_OFFSET on {@code inOrder},
     * the single thread that also takes a client's leaving (see {@link ClientProcessor#registerWith}): a client's query
     * sees the commits it sent before it. (The 4.9.8 client, after an offset reset, commits the reset offset oneway and
     * at once asks for it back as it takes the queue again; answered first, the query got the offset from before the
     * reset, and the queue was not read again.)
     */
    public void registerWith(RemotingServer server, Executor executor, Executor inOrder) {
        server.register(RequestCode.QUERY_CONSUMER_OFFSET, this::query, inOrder);
        server.register(RequestCode.UPDATE_CONSUMER_OFFSET, this::update, inOrder);
        server.register(RequestCode.GET_MAX_OFFSET, (ch, r) -> offset(r,
                store.maxQueueOffset(Headers.required(r, "topic"), Headers.requiredInt(r, "queueId"))), executor);
        server.register(RequestCode.GET_MIN_OFFSET, (ch, r) -> offset(r,
                store.minQueueOffset(Headers.required(r, "topic"), Headers.requiredInt(r, "queueId"))), executor);
        server.register(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (ch, r) -> offset(r, store.queueOffsetByTime(
                Headers.required(r, "topic"), Headers.requiredInt(r, "queueId"), Headers.requiredLong(r, "timestamp"))),
                executor);
        server.register(RequestCode.GET_EARLIEST_MSG_STORETIME, this::earliest, executor);
    }

    private static CompletableFuture<RemotingCommand> offset(RemotingCommand r, long offset) {
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withExt("offset", offset));
    }

    private CompletableFuture<RemotingCommand> query(RemotingChannel channel, RemotingCommand r) {
        OptionalLong start = queries.startOffset(Headers.required(r, "consumerGroup"), Headers.required(r, "topic"),
                Headers.requiredInt(r, "queueId"));
        if (start.isEmpty()) {
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.QUERY_NOT_FOUND,
                    "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"));
        }
        return offset(r, start.getAsLong());
    }

    private CompletableFuture<RemotingCommand> update(RemotingChannel channel, RemotingCommand r) {
        String group = Headers.required(r, "consumerGroup");
        if (dev.halfmoon.remoting.body.SystemNames.isBrokerGroup(group)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the offsets of group " + group
                    + " are the broker's own (its delay schedule's progress); clients cannot commit them");
        }
        String topic = Headers.required(r, "topic");
        int queueId = Headers.requiredInt(r, "queueId");
        // an offset is kept for a queue that exists only (no stored state for names a client makes up): one the topic
        // has, or one it had before an operator made it smaller, whose consumers commit their last progress on leaving
        int queues = topics.get(topic).map(TopicConfig::queueCount).orElseThrow(() -> new RequestException(
                ResponseCode.TOPIC_NOT_EXIST, "topic " + topic + " does not exist"));
        long end = queueId < 0 ? 0 : store.maxQueueOffset(topic, queueId);
        if (queueId < 0 || (queueId >= queues && end == 0)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "queueId[" + queueId
                    + "] is illegal, topic:[" + topic + "] queueNums:[" + queues + "]");
        }
        offsets.commitWithin(group, topic, queueId, Headers.requiredLong(r, "commitOffset"), end);
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    private CompletableFuture<RemotingCommand> earliest(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        int queueId = Headers.requiredInt(r, "queueId");
        var read = store.readQueue(topic, queueId, store.minQueueOffset(topic, queueId), 1, 1 << 20, null);
        long time = -1;
        if (!read.records().isEmpty()) {
            ByteBuffer record = read.records().get(0).bytes();
            time = RecordView.of(record).storeTimestamp();
        }
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withExt("timestamp", time));
    }
}
