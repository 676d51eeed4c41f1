package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicAttributes;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicList;
import dev.halfmoon.remoting.body.TopicValidator;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Topic administration and lookups: UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER (with the topic's queues and
 * offsets), CLEAN_UNUSED_TOPIC (the queues of topics no longer configured), GET_ALL_TOPIC_CONFIG, VIEW_MESSAGE_BY_ID.
 */
public final class AdminProcessor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminProcessor.class);
    /** How long a delete waits for the store to drop the topic's queues (it answers then, and the store goes on). */
    static final long DROP_WAIT_MS = 10_000;

    private final TopicRegistry topics;
    private final LogStore store;
    private final ConsumerOffsets offsets;
    private final java.util.function.Supplier<CompletableFuture<Void>> routesPublished;

    /** @param routesPublished registers the broker's topics with the name servers, completing once they answered */
    public AdminProcessor(TopicRegistry topics, LogStore store, ConsumerOffsets offsets,
                          java.util.function.Supplier<CompletableFuture<Void>> routesPublished) {
        this.topics = topics;
        this.store = store;
        this.offsets = offsets;
        this.routesPublished = routesPublished;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.UPDATE_AND_CREATE_TOPIC, this::createTopic, executor);
        server.register(RequestCode.DELETE_TOPIC_IN_BROKER, this::deleteTopic, executor);
        server.register(RequestCode.CLEAN_UNUSED_TOPIC, this::cleanUnusedTopics, executor);
        server.register(RequestCode.GET_ALL_TOPIC_CONFIG, (ch, r) -> RequestProcessor.done(
                RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(Json.encode(topics.snapshot()))), executor);
        // mqadmin exportMetadata / exportMetrics: the topics to leave out of GET_ALL_TOPIC_CONFIG's, the broker's own
        // (retry and dead-letter topics the tool leaves out itself unless asked; a user's topic is never named here)
        server.register(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (ch, r) -> {
            java.util.Set<String> own = new java.util.TreeSet<>(topics.own());
            topics.all().keySet().stream().filter(t -> SystemNames.isSystemTopic(t) && !t.startsWith(SystemTopics.RETRY_PREFIX)
                    && !t.startsWith(SystemTopics.DLQ_PREFIX)).forEach(own::add);
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null)
                    .withBody(Json.encode(new TopicList(own, null))));
        }, executor);
        server.register(RequestCode.VIEW_MESSAGE_BY_ID, this::viewMessage, executor);
        server.register(RequestCode.DELETE_EXPIRED_COMMITLOG, (ch, r) -> {
            store.requestRetention();
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, "a retention pass was asked "
                    + "for: commit-log segments older than fileReservedTime go now (retention also runs by itself every "
                    + "cleanResourceInterval, and deletes more while the disk is above diskMaxUsedSpaceRatio)"));
        }, executor);
    }

    private CompletableFuture<RemotingCommand> createTopic(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        String problem = TopicValidator.problem(topic);
        if (problem != null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, problem);
        }
        refuseSystemTopic(topic, "changed");
        int read = Headers.requiredInt(r, "readQueueNums");
        int write = Headers.requiredInt(r, "writeQueueNums");
        if (read < 1 || write < 1 || read > TopicConfig.MAX_QUEUES || write > TopicConfig.MAX_QUEUES) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "queue numbers must be 1.." + TopicConfig.MAX_QUEUES
                    + ", were read " + read + " write " + write);
        }
        Optional<TopicConfig> now = topics.get(topic);
        Map<String, String> attributes;
        try { // (an update without attributes keeps the topic's, as RocketMQ's does)
            attributes = TopicAttributes.apply(now.map(TopicConfig::attributes).orElse(Map.of()),
                    Headers.optional(r, "attributes", null), now.isEmpty());
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
        topics.put(new TopicConfig(topic, read, write, Headers.optionalInt(r, "perm", Perm.READ_WRITE),
                Headers.optional(r, "topicFilterType", "SINGLE_TAG"), Headers.optionalInt(r, "topicSysFlag", 0),
                Headers.optionalBoolean(r, "order", false), attributes));
        return published(r);
    }

    /** Answers {@code r} once the name servers have the change (or did not answer in time: it reaches them later). */
    private CompletableFuture<RemotingCommand> published(RemotingCommand r) {
        // at most 2.5 s (mqadmin waits 5): a name server that does not answer gets the change from the next registration
        return routesPublished.get().completeOnTimeout(null, 2500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((ignored, error) -> RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    /**
     * As RocketMQ 5 does: the topic's config, its consume queues (its records stay in the log until retention, never
     * served again; a topic made again under the name starts at queue offset 0) and every group's offsets on it.
     */
    private CompletableFuture<RemotingCommand> deleteTopic(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        refuseSystemTopic(topic, "deleted");
        // (mqadmin asks every broker of the cluster: one that never had the topic has nothing to drop)
        if (topics.delete(topic) || store.queueTopics().contains(topic)) {
            dropQueues(topic);
        }
        return published(r);
    }

    /** mqadmin cleanUnusedTopic: drops the queues of topics the broker holds records of but no longer configures. */
    private CompletableFuture<RemotingCommand> cleanUnusedTopics(RemotingChannel channel, RemotingCommand r) {
        java.util.List<String> dropped = new java.util.ArrayList<>();
        java.util.List<String> failed = new java.util.ArrayList<>();
        for (String t : store.queueTopics()) {
            if (topics.get(t).isPresent() || SystemTopics.isInternal(t)) { // (looked at just before its drop)
                continue;
            }
            try {
                dropQueues(t);
                dropped.add(t);
            } catch (RuntimeException e) {
                LOG.error("cleanUnusedTopic: the queues of topic {} were not dropped", t, e);
                failed.add(t);
            }
        }
        LOG.info("cleanUnusedTopic: the queues of {} topics no longer configured dropped: {}", dropped.size(), dropped);
        return RequestProcessor.done(failed.isEmpty() ? RemotingCommand.response(r, ResponseCode.SUCCESS, null)
                : RemotingCommand.response(r, ResponseCode.SYSTEM_ERROR, "the queues of " + failed
                        + " were not dropped; see the broker's log"));
    }

    /** The consume queues and consumer offsets of {@code topic}, no longer configured. */
    private void dropQueues(String topic) {
        offsets.removeTopic(topic); // (synced before the drop's record: no old offset comes back after a crash)
        try {
            if (!store.dropTopic(topic, DROP_WAIT_MS)) {
                LOG.warn("topic {}: its consume queues were not dropped within {} ms; the store drops them when it can",
                        topic, DROP_WAIT_MS);
            }
        } finally {
            offsets.removeTopic(topic); // (and any a consumer committed meanwhile, on the old queues)
        }
    }

    /**
     * The broker's own topics (transactions, schedule), the given-up transactions' topic (what {@code resume} reads) and
     * auto-creation's template are not the operator's to change.
     */
    private static void refuseSystemTopic(String topic, String what) {
        if (SystemTopics.isInternal(topic) || SystemTopics.CHECK_MAX_TIME.equals(topic)
                || TopicRegistry.AUTO_CREATE_TOPIC_KEY.equals(topic)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the topic " + topic + " is a system topic and cannot be " + what);
        }
    }

    private CompletableFuture<RemotingCommand> viewMessage(RemotingChannel channel, RemotingCommand r) {
        long offset = Headers.requiredLong(r, "offset");
        ByteBuffer record = store.readRecord(offset);
        if (record == null) {
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SYSTEM_ERROR,
                    "can not find message by the offset, " + offset));
        }
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBodyParts(record));
    }
}
