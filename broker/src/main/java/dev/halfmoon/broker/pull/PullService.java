package dev.halfmoon.broker.pull;

import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.config.MessagingConfig;
import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.QueueReadResult;
import dev.halfmoon.log.ReadStatus;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SubscriptionData;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/**
 * The rules of a pull: topic and queue must exist and be readable; the consumer's tag
 * subscription filters by tag code; an offset outside the queue is reported as moved; a pull that
 * finds nothing new is held (long polling) until a record arrives or its suspend time passes.
 *
 * <p>A pull runs on the caller's thread: a network thread when it is near its queue's end (see
 * {@code NetworkThreadRules}), else a pull executor thread.
 * Thread-safe.
 */
public final class PullService {
    private final LogStore store;
    private final TopicRegistry topics;
    private final ClientRegistry clients;
    private final ConsumerOffsets offsets;
    private final MessagingConfig config;
    private final PullHolds holds;
    private final SubscriptionGroups groups;

    public PullService(LogStore store, TopicRegistry topics, ClientRegistry clients, ConsumerOffsets offsets,
                       MessagingConfig config, PullHolds holds, SubscriptionGroups groups) {
        this.groups = groups;
        this.store = store;
        this.topics = topics;
        this.clients = clients;
        this.offsets = offsets;
        this.config = config;
        this.holds = holds;
    }

    /** Pulls; the future completes at once, or when a held pull is answered. */
    public CompletableFuture<PullOutcome> pull(PullRequest request) {
        TopicConfig topic = topics.get(request.topic()).orElse(null);
        if (topic == null) {
            return done(refusal(ResponseCode.TOPIC_NOT_EXIST, "topic[" + request.topic() + "] not exist, apply first please!"));
        }
        if (!Perm.readable(topic.perm()) || SystemTopics.isInternal(request.topic())) { // (delayed messages before their time)
            return done(refusal(ResponseCode.NO_PERMISSION, "the topic[" + request.topic() + "] pulling is forbidden"));
        }
        PullOutcome refused = groupRefusal(request.group());
        if (refused != null) {
            return done(refused);
        }
        if (request.queueId() < 0 || request.queueId() >= topic.queueCount()) {
            return done(refusal(ResponseCode.SYSTEM_ERROR, "queueId[" + request.queueId() + "] is illegal, topic:["
                    + request.topic() + "] readQueueNums:[" + topic.readQueueNums() + "]"));
        }
        if ("SQL92".equalsIgnoreCase(request.expressionType())) {
            return done(refusal(ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                    "SQL92 filtering is not supported by Halfmoon; subscribe by tag"));
        }
        if (request.commitsOffset()) {
            offsets.commitWithin(request.group(), request.topic(), request.queueId(), request.commitOffset(),
                    store.maxQueueOffset(request.topic(), request.queueId()));
        }
        return readOrHold(request, tagFilter(request));
    }

    /** Why {@code group} may not pull, with RocketMQ's codes and remarks, or null: unknown without auto-creation, consumeEnable off. */
    private PullOutcome groupRefusal(String group) {
        if (dev.halfmoon.remoting.body.SystemNames.isBrokerGroup(group)) {
            return refusal(ResponseCode.NO_PERMISSION, "subscription group " + group + " is the broker's own");
        }
        Optional<SubscriptionGroupConfig> config = groups.get(group);
        if (config.isEmpty()) {
            return groups.autoCreate() ? null : refusal(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group ["
                    + group + "] does not exist, create it first (autoCreateSubscriptionGroup is false)");
        }
        return config.get().consumeEnable() ? null
                : refusal(ResponseCode.NO_PERMISSION, "subscription group no permission, " + group + " (consumeEnable=false)");
    }

    private CompletableFuture<PullOutcome> readOrHold(PullRequest request, LongPredicate filter) {
        PullOutcome outcome = read(request, filter);
        if (outcome.code() == ResponseCode.PULL_NOT_FOUND && request.mayHold()) {
            long holdMs = config.longPollingEnable() ? Math.min(Math.max(request.suspendMs(), 0), 30_000)
                    : config.shortPollingTimeMills();
            if (holdMs > 0) {
                return holds.hold(request, holdMs, () -> read(request.withoutSuspend(), filter), filter);
            }
        }
        return done(outcome);
    }

    private LongPredicate tagFilter(PullRequest request) {
        SubscriptionData sub;
        if (request.carriesSubscription()) {
            sub = SubscriptionData.ofTags(request.topic(), request.subscription());
        } else {
            sub = clients.consumerGroup(request.group()).map(g -> g.subscription(request.topic())).orElse(null);
        }
        if (sub == null || sub.matchesAll()) {
            return null;
        }
        return sub::takes;
    }

    /** Reads once and maps the store's answer to a pull response code. */
    PullOutcome read(PullRequest request, LongPredicate filter) {
        int maxBytes = request.maxMsgBytes() > 0 ? Math.min(request.maxMsgBytes(), config.maxPullBytes()) : config.maxPullBytes();
        QueueReadResult r = store.readQueue(request.topic(), request.queueId(), request.queueOffset(),
                Math.max(1, Math.min(request.maxMsgNums(), 1024)), maxBytes, filter);
        return switch (r.status()) {
            case FOUND -> new PullOutcome(ResponseCode.SUCCESS, null, r.nextOffset(), r.minOffset(), r.maxOffset(), r.records());
            case NO_MATCHED_MESSAGE, OFFSET_FOUND_NULL -> new PullOutcome(ResponseCode.PULL_RETRY_IMMEDIATELY,
                    "no matched message", r.nextOffset(), r.minOffset(), r.maxOffset(), List.of());
            case OFFSET_OVERFLOW_ONE -> new PullOutcome(ResponseCode.PULL_NOT_FOUND, "no new message",
                    request.queueOffset(), r.minOffset(), r.maxOffset(), List.of());
            case NO_MESSAGE_IN_QUEUE -> request.queueOffset() == 0
                    ? new PullOutcome(ResponseCode.PULL_NOT_FOUND, "the queue is empty", 0, 0, 0, List.of())
                    : new PullOutcome(ResponseCode.PULL_OFFSET_MOVED, "the queue is empty; offset "
                    + request.queueOffset() + " does not exist", 0, 0, 0, List.of());
            case CORRUPT_RECORD -> new PullOutcome(ResponseCode.SYSTEM_ERROR, "the message at queue offset " + r.nextOffset()
                    + " (commit-log offset " + r.corruptAt() + ") is corrupt on disk and is not served; see the broker log",
                    r.nextOffset(), r.minOffset(), r.maxOffset(), List.of());
            case OFFSET_TOO_SMALL, OFFSET_OVERFLOW_BADLY -> new PullOutcome(ResponseCode.PULL_OFFSET_MOVED,
                    "offset " + request.queueOffset() + " is outside the queue [" + r.minOffset() + ", " + r.maxOffset() + ")",
                    movedTo(request, r), r.minOffset(), r.maxOffset(), List.of());
        };
    }

    /**
     * Where a pull outside the queue goes on: before its start, the start; past its end, the group's committed
     * offset if it is within the queue (a consumer that kept its position across a restart that lost the log's tail
     * goes back to where the group's progress was set back to, and gets the messages written since), else the end,
     * as RocketMQ does; but the start of a queue of a dropped topic that holds everything from 0 (a topic deleted and
     * made again under a consumer that kept running: RocketMQ would skip its first messages).
     */
    private long movedTo(PullRequest request, QueueReadResult r) {
        if (r.status() == ReadStatus.OFFSET_TOO_SMALL) {
            return r.nextOffset();
        }
        long committed = offsets.get(request.group(), request.topic(), request.queueId());
        if (committed >= r.minOffset() && committed <= r.maxOffset()) {
            return committed;
        }
        return r.minOffset() == 0 && store.wasDropped(request.topic()) ? 0 : r.nextOffset();
    }

    private static PullOutcome refusal(int code, String remark) {
        return new PullOutcome(code, remark, 0, 0, 0, List.of());
    }

    private static CompletableFuture<PullOutcome> done(PullOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
