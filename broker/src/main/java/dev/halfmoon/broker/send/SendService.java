package dev.halfmoon.broker.send;

import dev.halfmoon.broker.config.MessagingConfig;
import dev.halfmoon.broker.delay.DelayLevels;
import dev.halfmoon.broker.delay.Scheduling;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.RecordAppender;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.SysFlag;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicValidator;
import dev.halfmoon.txn.TransactionCoordinator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The rules of a plain send: the topic must exist (or be auto-created when allowed) and be
 * writable, the queue is the requested one or a random one, the body and properties must fit, the
 * broker adds its cluster name; then the record (or the batch, atomically) is appended, or, for a
 * half message, handed to the transaction coordinator. Refusals
 * come back as results with a code and a remark, never as exceptions. Thread-safe.
 */
public final class SendService {
    private final TopicRegistry topics;
    /** Read afresh at each send: an operator may change {@code maxMessageSize} while the broker runs. */
    private volatile MessagingConfig config;
    private final RecordAppender appender;
    private final TransactionCoordinator transactions;
    private final DelayLevels delays;
    private final java.time.Clock clock;
    private final InetSocketAddress storeHost;
    private final String clusterName;

    /** @param clock for timer messages' delivery times */
    public SendService(TopicRegistry topics, MessagingConfig config, RecordAppender appender,
                       TransactionCoordinator transactions, DelayLevels delays, InetSocketAddress storeHost,
                       String clusterName, java.time.Clock clock) {
        this.clock = clock;
        this.topics = topics;
        this.config = config;
        this.appender = appender;
        this.transactions = transactions;
        this.delays = delays;
        this.storeHost = storeHost;
        this.clusterName = clusterName;
    }

    /** Takes changed settings (only what is read per send, such as {@code maxMessageSize}, can change while running). */
    public void config(MessagingConfig config) {
        this.config = java.util.Objects.requireNonNull(config);
    }

    /** Sends a plain message or batch. */
    public CompletableFuture<SendResult> send(SendRequest sent) {
        // the topic as sent is checked before anything is made from it (a dead-letter topic for a retry)
        String problem = TopicValidator.problem(sent.topic());
        if (problem == null && sent.topic().equals(SystemTopics.RETRY_PREFIX)) {
            problem = "a retry topic names its consumer group: " + SystemTopics.RETRY_PREFIX + "<group>";
        }
        if (problem == null && sent.batch()) { // (RocketMQ's rules for batches)
            if (sent.topic().startsWith(SystemTopics.RETRY_PREFIX)) {
                problem = "batch request does not support retry group";
            } else if ((sent.sysFlag() & SysFlag.TRANSACTION_MASK) != 0) {
                problem = "a batch cannot hold transactional messages (sysFlag " + sent.sysFlag() + ")";
            }
        }
        if (problem != null) {
            return done(SendResult.refused(ResponseCode.MESSAGE_ILLEGAL, problem));
        }
        SendRequest request = deadLetterIfExhausted(sent);
        problem = TopicValidator.problem(request.topic());
        if (problem != null) {
            return done(SendResult.refused(ResponseCode.MESSAGE_ILLEGAL, problem));
        }
        if (SystemTopics.isInternal(request.topic())) {
            return done(SendResult.refused(ResponseCode.NO_PERMISSION,
                    "the topic " + request.topic() + " is a Halfmoon system topic; producers cannot send to it"));
        }
        TopicConfig topic = topicFor(request);
        if (topic == null) {
            return done(SendResult.refused(ResponseCode.TOPIC_NOT_EXIST, "topic[" + request.topic()
                    + "] not exist, apply first please! (create it with UPDATE_AND_CREATE_TOPIC or enable autoCreateTopicEnable)"));
        }
        if (!Perm.writable(topic.perm())) {
            return done(SendResult.refused(ResponseCode.NO_PERMISSION,
                    "the topic[" + request.topic() + "] sending is forbidden (perm " + Perm.text(topic.perm()) + ")"));
        }
        if (topic.writeQueueNums() == 0) {
            return done(SendResult.refused(ResponseCode.SYSTEM_ERROR, "the topic " + request.topic() + " has no write queue"));
        }
        if (request.queueId() >= Math.max(topic.writeQueueNums(), topic.readQueueNums())) { // (RocketMQ's words)
            return done(SendResult.refused(ResponseCode.SYSTEM_ERROR, "request queueId[" + request.queueId()
                    + "] is illegal, topic " + request.topic() + " has " + topic.writeQueueNums() + " write and "
                    + topic.readQueueNums() + " read queues"));
        }
        int queueId = request.queueId() < 0 ? ThreadLocalRandom.current().nextInt(topic.writeQueueNums()) : request.queueId();
        List<ByteBuffer> records = new ArrayList<>();
        try {
            // (the topic as sent: a retry redirected to the dead-letter queue is no half either)
            if (!request.batch() && isHalf(request.properties()) && !sent.topic().startsWith(SystemTopics.RETRY_PREFIX)) {
                return prepare(request, queueId);
            }
            if (request.batch()) {
                for (BatchBody.Item item : BatchBody.split(request.body())) {
                    if (Scheduling.delayed(item.properties())) { // (the official client refuses it too)
                        throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "a message in a batch cannot be delayed "
                                + "(a delay level or a timer property); send delayed messages one by one");
                    }
                    records.add(encode(request, queueId, item.flag(), item.body(), item.properties()));
                }
            } else {
                records.add(encode(request, queueId, request.flag(), request.body(), request.properties()));
            }
        } catch (SendRefused e) {
            return done(e.result);
        }
        return append(records, queueId);
    }

    /**
     * A consumer's own re-send to {@code %RETRY%<group>} (its fallback when send-back fails) goes to
     * {@code %DLQ%<group>} once it was delivered {@code maxReconsumeTimes} times. Only for a retry topic that exists (its
     * group consumed here): any client could otherwise make dead-letter topics for names it makes up.
     */
    private SendRequest deadLetterIfExhausted(SendRequest r) {
        if (!r.topic().startsWith(SystemTopics.RETRY_PREFIX) || topics.get(r.topic()).isEmpty()) {
            return r;
        }
        int max = r.maxReconsumeTimes() >= 0 ? r.maxReconsumeTimes() : SubscriptionGroupConfig.DEFAULT_RETRY_MAX_TIMES;
        if (r.reconsumeTimes() < max) {
            return r;
        }
        String dlq = SystemTopics.dlqTopic(r.topic().substring(SystemTopics.RETRY_PREFIX.length()));
        topics.ensure(dlq, 1, Perm.READ_WRITE);
        return new SendRequest(r.producerGroup(), dlq, 1, 0, r.sysFlag(), r.bornTimestamp(), r.flag(),
                withoutDelay(r.properties()), r.reconsumeTimes(), r.maxReconsumeTimes(), r.batch(), r.body(), r.bornHost());
    }

    private static String withoutDelay(String properties) {
        Map<String, String> props = MessageProperties.decode(properties);
        props.remove(MessageProperty.DELAY_TIME_LEVEL);
        return MessageProperties.encode(props);
    }

    private TopicConfig topicFor(SendRequest request) {
        TopicConfig existing = topics.get(request.topic()).orElse(null);
        if (existing != null || !config.autoCreateTopicEnable()) {
            return existing;
        }
        int queues = Math.max(1, Math.min(request.defaultTopicQueueNums() > 0 ? request.defaultTopicQueueNums()
                : config.defaultTopicQueueNums(), config.defaultTopicQueueNums()));
        return topics.ensure(request.topic(), queues, Perm.READ_WRITE);
    }

    private ByteBuffer encode(SendRequest request, int queueId, int flag, byte[] body, String properties) {
        if (body == null || body.length == 0) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "the message body is empty");
        }
        if (body.length > config.maxMessageSize()) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "the message body is " + body.length
                    + " bytes, more than maxMessageSize " + config.maxMessageSize());
        }
        try {
            return RecordEncoder.encode(Scheduling.route(draft(request, queueId, flag, body, properties), delays,
                    clock.millis()));
        } catch (IllegalArgumentException e) { // a timer message's bad time
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, e.getMessage());
        }
    }

    /** The most a client's properties may take: the stored limit less room for the broker's own. */
    static final int PROPERTIES_LIMIT = RecordLayout.MAX_PROPERTIES_BYTES - 1024;

    private RecordDraft draft(SendRequest request, int queueId, int flag, byte[] body, String properties) {
        Map<String, String> props = MessageProperties.decode(properties);
        if (request.batch() && Boolean.parseBoolean(props.get(MessageProperty.TRANSACTION_PREPARED))) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "a batch cannot hold transactional messages");
        }
        props.put(MessageProperty.CLUSTER, clusterName);
        props.keySet().removeIf(MessageProperties::isBrokerInternal); // only this broker writes its own marks
        String stored = MessageProperties.encode(props);
        // in UTF-8 bytes, as stored, with room for what the broker adds (a delay's real topic and queue)
        if (stored.length() * 3 > PROPERTIES_LIMIT
                && stored.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PROPERTIES_LIMIT) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "the message properties are longer than " + PROPERTIES_LIMIT
                    + " bytes (UTF-8)");
        }
        return new RecordDraft(request.topic(), queueId, flag, request.sysFlag(), request.bornTimestamp(),
                request.bornHost(), storeHost, request.reconsumeTimes(), 0, ByteBuffer.wrap(body), stored);
    }

    private static boolean isHalf(String properties) {
        return Boolean.parseBoolean(MessageProperties.find(properties, MessageProperty.TRANSACTION_PREPARED));
    }

    /** A half message: stored by the coordinator, invisible until its transaction commits. */
    private CompletableFuture<SendResult> prepare(SendRequest request, int queueId) {
        if (request.body() == null || request.body().length == 0 || request.body().length > config.maxMessageSize()) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "the message body must be 1.." + config.maxMessageSize()
                    + " bytes (maxMessageSize)");
        }
        String delay = MessageProperties.find(request.properties(), MessageProperty.DELAY_TIME_LEVEL);
        if ((delay != null && !delay.equals("0")) || Scheduling.delayed(request.properties())) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "a transactional message cannot be delayed (a delay level "
                    + "or a timer property); send a delayed message after the commit instead");
        }
        if (MessageProperties.find(request.properties(), MessageProperty.PRODUCER_GROUP) == null) {
            throw new SendRefused(ResponseCode.MESSAGE_ILLEGAL, "a transactional message must carry its producer group (PGROUP)");
        }
        RecordDraft message = draft(request, queueId, request.flag(), request.body(), request.properties());
        return transactions.prepare(message).thenApply(r -> r.half() == null
                ? SendResult.refused(AppendRefusal.code(r.status()), AppendRefusal.remark(r.status()))
                : new SendResult(AppendRefusal.code(r.status()), r.ok() ? null : AppendRefusal.remark(r.status()),
                        queueId, List.of(r.half()), new OffsetMessageId(storeHost, r.half().commitLogOffset()).encode(),
                        r.transactionId()));
    }

    private CompletableFuture<SendResult> append(List<ByteBuffer> records, int queueId) {
        return appender.append(records).thenApply(result -> toResult(result, queueId));
    }

    /** SUCCESS, or a refusal; or FLUSH_DISK_TIMEOUT, which says where the records went as SUCCESS does. */
    private SendResult toResult(AppendResult result, int queueId) {
        if (result.records().isEmpty()) {
            return SendResult.refused(AppendRefusal.code(result.status()), AppendRefusal.remark(result.status()));
        }
        String ids = result.records().stream().map(r -> new OffsetMessageId(storeHost, r.commitLogOffset()).encode())
                .collect(Collectors.joining(","));
        return new SendResult(AppendRefusal.code(result.status()), result.ok() ? null
                : AppendRefusal.remark(result.status()), queueId, result.records(), ids, null);
    }

    private static CompletableFuture<SendResult> done(SendResult result) {
        return CompletableFuture.completedFuture(result);
    }

    /** A refusal found while encoding, carried out of the loop. */
    private static final class SendRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient SendResult result;

        SendRefused(int code, String remark) {
            super(remark, null, false, false);
            this.result = SendResult.refused(code, remark);
        }
    }
}
