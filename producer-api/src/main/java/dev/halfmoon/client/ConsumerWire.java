package dev.halfmoon.client;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.LockBatchBody;
import dev.halfmoon.remoting.body.LockBatchResult;
import dev.halfmoon.remoting.body.MessageQueueRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The consumer's requests to brokers: pull, offsets, send-back, consumer list, queue locks.
 * Stateless apart from its references; thread-safe.
 */
final class ConsumerWire {
    static final int FLAG_COMMIT_OFFSET = 0x1;
    static final int FLAG_SUSPEND = 0x2;
    static final int FLAG_SUBSCRIPTION = 0x4;
    private static final long PULL_TIMEOUT_MS = 30_000;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsumerWire.class);

    private final ClientCore core;
    private final String group;

    ConsumerWire(ClientCore core, String group) {
        this.core = core;
        this.group = group;
    }

    private String broker(QueueRef q) {
        String address = core.brokerAddress(q.brokerName());
        if (address == null) {
            address = core.fetchRoute(q.topic()).masters().get(q.brokerName());
        }
        if (address == null) {
            throw new ClientException.NoRoute("broker " + q.brokerName() + " of " + q + " is not in the route any more");
        }
        return address;
    }

    /** One pull; the broker may hold it up to {@code suspendMs}. */
    CompletableFuture<RemotingCommand> pull(QueueRef q, long offset, int max, long commitOffset, long suspendMs,
                                            String subscription) {
        Map<String, String> h = new HashMap<>();
        h.put("consumerGroup", group);
        h.put("topic", q.topic());
        h.put("queueId", Integer.toString(q.queueId()));
        h.put("queueOffset", Long.toString(offset));
        h.put("maxMsgNums", Integer.toString(max));
        int flag = FLAG_SUBSCRIPTION | (suspendMs > 0 ? FLAG_SUSPEND : 0) | (commitOffset >= 0 ? FLAG_COMMIT_OFFSET : 0);
        h.put("sysFlag", Integer.toString(flag));
        h.put("commitOffset", Long.toString(Math.max(commitOffset, 0)));
        h.put("suspendTimeoutMillis", Long.toString(suspendMs));
        h.put("subscription", subscription);
        h.put("subVersion", "0");
        h.put("expressionType", "TAG");
        h.put("bname", q.brokerName());
        return core.remoting.invokeAsync(broker(q), RemotingCommand.request(RequestCode.PULL_MESSAGE, h, null),
                suspendMs + PULL_TIMEOUT_MS);
    }

    /** The committed offset of {@code q}, or -1 when the group has none there. */
    long committedOffset(QueueRef q) {
        RemotingCommand r = core.remoting.invokeSync(broker(q), RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET,
                Map.of("consumerGroup", group, "topic", q.topic(), "queueId", Integer.toString(q.queueId())), null),
                core.options.requestTimeout().toMillis());
        if (r.code() == ResponseCode.QUERY_NOT_FOUND) {
            return -1;
        }
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "query offset of " + q + " refused: " + r.remark());
        }
        return Long.parseLong(r.ext("offset"));
    }

    /** The next offset to be written in {@code q}. */
    long maxOffset(QueueRef q) {
        RemotingCommand r = core.remoting.invokeSync(broker(q), RemotingCommand.request(RequestCode.GET_MAX_OFFSET,
                Map.of("topic", q.topic(), "queueId", Integer.toString(q.queueId())), null), core.options.requestTimeout().toMillis());
        return Long.parseLong(r.ext("offset"));
    }

    /** Commits {@code offset} for {@code q}; {@code sync} waits for the broker. */
    /**
     * Commits {@code offset}: {@code sync}, waiting for the broker (a refusal throws {@link ClientException.Rejected}),
     * else oneway, as RocketMQ's client does every few seconds. The future fails if the request could not be sent.
     */
    CompletableFuture<Void> commit(QueueRef q, long offset, boolean sync) {
        RemotingCommand request = RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, Map.of("consumerGroup", group,
                "topic", q.topic(), "queueId", Integer.toString(q.queueId()), "commitOffset", Long.toString(offset)), null);
        if (!sync) {
            return core.remoting.invokeOneway(broker(q), request);
        }
        RemotingCommand r = core.remoting.invokeSync(broker(q), request, core.options.requestTimeout().toMillis());
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "commit of " + q + " at " + offset + " refused: " + r.remark());
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Hands a failed message back to the broker for redelivery (or the DLQ when {@code delayLevel} &lt; 0). */
    void sendBack(MessageView m, int delayLevel, int maxReconsumeTimes) {
        Map<String, String> h = new HashMap<>();
        h.put("offset", Long.toString(Producer.commitLogOffset(m.offsetMessageId())));
        h.put("group", group);
        h.put("delayLevel", Integer.toString(delayLevel));
        h.put("originMsgId", m.messageId());
        h.put("originTopic", m.topic());
        h.put("unitMode", "false");
        h.put("maxReconsumeTimes", Integer.toString(maxReconsumeTimes));
        h.put("bname", m.brokerName());
        String broker = core.brokerAddress(m.brokerName());
        RemotingCommand r = core.remoting.invokeSync(broker, RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, h, null),
                core.options.requestTimeout().toMillis());
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "send-back of " + m.messageId() + " refused: " + r.remark());
        }
    }

    /**
     * A failed message's copy sent to the group's retry topic, for when the broker will not take it back (as RocketMQ's
     * client does): the original topic kept in RETRY_TOPIC, one more reconsume time, delay level 3 + times; the broker
     * dead-letters it once it was delivered {@code maxReconsumeTimes} times.
     */
    void resend(MessageView m, int maxReconsumeTimes) {
        Map<String, String> props = new java.util.LinkedHashMap<>(m.properties());
        props.putIfAbsent(MessageProperty.RETRY_TOPIC, m.topic());
        props.remove(MessageProperty.TRANSACTION_PREPARED);
        props.put(MessageProperty.DELAY_TIME_LEVEL, Integer.toString(3 + m.reconsumeTimes()));
        Map<String, String> h = WireCodec.sendHeader(group, "%RETRY%" + group, -1, 0, MessageProperties.encode(props), false);
        h.put("j", Integer.toString(m.reconsumeTimes() + 1));
        h.put("l", Integer.toString(maxReconsumeTimes >= 0 ? maxReconsumeTimes : 16));
        RemotingCommand r = core.remoting.invokeSync(core.brokerAddress(m.brokerName()), RemotingCommand.request(
                RequestCode.SEND_MESSAGE_V2, h, m.body()), core.options.requestTimeout().toMillis());
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "re-send of " + m.messageId() + " to the retry topic refused: "
                    + r.remark());
        }
    }

    /** Client ids of the group's members, as the broker holding {@code q} knows them. */
    @SuppressWarnings("unchecked")
    List<String> members(QueueRef q) {
        RemotingCommand r = core.remoting.invokeSync(broker(q), RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP,
                Map.of("consumerGroup", group), null), core.options.requestTimeout().toMillis());
        if (r.code() != ResponseCode.SUCCESS) {
            return List.of();
        }
        return (List<String>) Json.decode(r.body(), Map.class).get("consumerIdList");
    }

    /**
     * Locks {@code queues} for ordered consumption, one request per broker; returns the ones granted (none of a broker
     * that failed to answer: its locks expire by themselves).
     */
    Set<QueueRef> lock(java.util.Collection<QueueRef> queues) {
        Map<String, Set<QueueRef>> byBroker = new HashMap<>();
        queues.forEach(q -> byBroker.computeIfAbsent(q.brokerName(), b -> new HashSet<>()).add(q));
        Set<QueueRef> granted = new HashSet<>();
        byBroker.forEach((brokerName, ofBroker) -> {
            try {
                granted.addAll(lock(brokerName, ofBroker));
            } catch (RuntimeException e) {
                LOG.debug("lock on {} failed: {}", brokerName, e.getMessage());
            }
        });
        return granted;
    }

    /** Locks the queues of one broker for ordered consumption; returns the ones granted. */
    private Set<QueueRef> lock(String brokerName, Set<QueueRef> queues) {
        Set<MessageQueueRef> refs = new HashSet<>();
        queues.forEach(q -> refs.add(new MessageQueueRef(q.topic(), q.brokerName(), q.queueId())));
        String broker = core.brokerAddress(brokerName);
        if (broker == null) {
            return Set.of();
        }
        RemotingCommand r = core.remoting.invokeSync(broker, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, null,
                Json.encode(new LockBatchBody(group, core.clientId, null, refs))), core.options.requestTimeout().toMillis());
        Set<QueueRef> granted = new HashSet<>();
        if (r.code() == ResponseCode.SUCCESS) {
            for (MessageQueueRef m : Json.decode(r.body(), LockBatchResult.class).lockOKMQSet()) {
                granted.add(new QueueRef(m.topic(), m.brokerName(), m.queueId()));
            }
        }
        return granted;
    }

    /** Unlocks {@code q}, not waiting; a failure is only logged (the broker's lock expires by itself). */
    void unlock(QueueRef q) {
        String broker = core.brokerAddress(q.brokerName());
        if (broker == null) {
            return;
        }
        try {
            core.remoting.invokeOneway(broker, RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ, null, Json.encode(
                    new LockBatchBody(group, core.clientId, null, Set.of(new MessageQueueRef(q.topic(), q.brokerName(),
                            q.queueId())))))).exceptionally(e -> null);
        } catch (RuntimeException e) {
            LOG.debug("unlock of {} failed: {}", q, e.getMessage());
        }
    }
}
