package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.QueueEntry;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.SubscriptionData;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * QUERY_CONSUME_QUEUE (mqadmin queryCq): a queue's raw entries, where each record lies in the commit log and its tags
 * code, and whether a group's subscription takes it, for "stored but not delivered". Only translates the request.
 */
public final class QueueToolProcessor {
    /** Entries one queryCq answers at most. */
    static final int MAX_ENTRIES = 1_000;

    private final LogStore store;
    private final TopicRegistry topics;
    private final ClientRegistry clients;

    public QueueToolProcessor(LogStore store, TopicRegistry topics, ClientRegistry clients) {
        this.store = store;
        this.topics = topics;
        this.clients = clients;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.QUERY_CONSUME_QUEUE, this::queryConsumeQueue, executor);
    }

    private CompletableFuture<RemotingCommand> queryConsumeQueue(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        int queueId = Headers.requiredInt(r, "queueId");
        long index = Headers.requiredLong(r, "index");
        int count = Headers.requiredInt(r, "count");
        String group = Headers.optional(r, "consumerGroup", null);
        TopicConfig config = topics.get(topic).orElse(null);
        if (config == null || queueId < 0 || queueId >= Math.max(config.readQueueNums(), config.writeQueueNums())) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, String.format("%d@%s is not exist!", queueId, topic));
        }
        SubscriptionData subscription = null;
        String filterData = null;
        if (group != null) {
            subscription = clients.consumerGroup(group).map(g -> g.subscription(topic)).orElse(null);
            if (subscription == null) {
                filterData = String.format("%s@%s is not online!", group, topic); // (RocketMQ's words)
            }
        }
        List<ConsumeQueueData> data = new ArrayList<>();
        for (QueueEntry e : store.queueEntries(topic, queueId, index, Math.min(count, MAX_ENTRIES))) {
            boolean taken = subscription != null && subscription.takes(e.tagsCode());
            data.add(new ConsumeQueueData(e.commitLogOffset(), e.size(), e.tagsCode(), taken,
                    e.commitLogOffset() < 0 ? "removed by retention while read" : null));
        }
        long min = store.minQueueOffset(topic, queueId);
        long max = store.maxQueueOffset(topic, queueId);
        // (RocketMQ answers an index outside the queue with a remark and no body, on which mqadmin fails; the body
        // here still says the queue's bounds)
        String remark = data.isEmpty() && count > 0
                ? String.format("Index %d of %d@%s is not exist!", index, queueId, topic) : null;
        byte[] body = Json.encode(new QueryConsumeQueueBody(subscription, filterData, data, max, min));
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, remark).withBody(body));
    }

    /** RocketMQ's QueryConsumeQueueResponseBody. */
    private record QueryConsumeQueueBody(SubscriptionData subscriptionData, String filterData,
                                         List<ConsumeQueueData> queueData, long maxQueueIndex, long minQueueIndex) {
    }

    /**
     * One entry as RocketMQ's ConsumeQueueData names it; {@code eval}: whether the group's subscription takes it (false
     * without a group).
     */
    private record ConsumeQueueData(long physicOffset, int physicSize, long tagsCode, boolean eval, String msg) {
    }
}
