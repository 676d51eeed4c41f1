package dev.halfmoon.broker.acl;

import dev.halfmoon.broker.processor.SendProcessor;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.LockBatchBody;
import dev.halfmoon.remoting.body.SubscriptionData;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a request needs: an admin account, and/or permissions on topics and consumer groups. Follows
 * RocketMQ's plain ACL (send = PUB on the topic, pull and offsets = SUB on topic and group, a
 * retry topic stands for its group, send-back = SUB on the group, heartbeat = SUB on each consumer
 * group and subscribed topic, topic and group changes = admin) and adds Halfmoon's rules: ending a
 * transaction needs PUB on its real topic; queries, offsets lookups and locks need SUB; the pending
 * transaction requests and every request that reads across topics or groups need admin. Immutable.
 */
public record AclNeeds(boolean admin, Map<String, Byte> topics, Map<String, Byte> groups) {
    /** The real topic of the pending transaction an END_TRANSACTION names (half offset, or -1; transaction id, or null). */
    @FunctionalInterface
    public interface HalfTopics {
        Optional<String> topicOf(long halfOffset, String transactionId);
    }

    /** Codes only admin accounts may send. */
    static final Set<Integer> ADMIN_CODES = Set.of(RequestCode.UPDATE_AND_CREATE_TOPIC, RequestCode.DELETE_TOPIC_IN_BROKER,
            RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, RequestCode.DELETE_SUBSCRIPTIONGROUP,
            RequestCode.GET_ALL_TOPIC_CONFIG, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, RequestCode.GET_TOPIC_STATS_INFO,
            RequestCode.GET_CONSUME_STATS, RequestCode.GET_CONSUMER_CONNECTION_LIST, RequestCode.GET_BROKER_RUNTIME_INFO,
            RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, RequestCode.VIEW_MESSAGE_BY_ID, RequestCode.GET_ALL_CONSUMER_OFFSET,
            RequestCode.HM_LIST_PENDING_TRANSACTIONS, RequestCode.HM_DESCRIBE_TRANSACTION, RequestCode.HM_RESOLVE_TRANSACTION,
            RequestCode.RESUME_CHECK_HALF_MESSAGE, RequestCode.GET_TOPIC_CONFIG, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO,
            RequestCode.GET_PRODUCER_CONNECTION_LIST, RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, RequestCode.GET_BROKER_CONFIG,
            RequestCode.UPDATE_BROKER_CONFIG, RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY,
            RequestCode.VIEW_BROKER_STATS_DATA, RequestCode.GET_BROKER_CONSUME_STATS,
            // (RocketMQ 4.x lets any account change the ACL file; here it takes an admin)
            RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, RequestCode.DELETE_ACL_CONFIG, RequestCode.GET_BROKER_CLUSTER_ACL_INFO,
            RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER,
            RequestCode.DELETE_EXPIRED_COMMITLOG, RequestCode.GET_ALL_PRODUCER_INFO, RequestCode.QUERY_CONSUME_QUEUE,
            RequestCode.CLEAN_UNUSED_TOPIC);

    private static final AclNeeds ADMIN = new AclNeeds(true, Map.of(), Map.of());

    /**
     * Whether {@code code} changes the ACL file: it must be signed by an admin account even from a white-listed address
     * (else access from one host would become access from anywhere, for good: an admin account, or a white list of *).
     */
    public static boolean changesAcl(int code) {
        return code == RequestCode.UPDATE_AND_CREATE_ACL_CONFIG || code == RequestCode.DELETE_ACL_CONFIG
                || code == RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG;
    }

    /**
     * The needs of {@code r}.
     *
     * @param halfTopic the real topic of the pending transaction whose half is at an offset, if any
     */
    public static AclNeeds of(RemotingCommand r, HalfTopics halfTopic) {
        if (ADMIN_CODES.contains(r.code())) {
            return ADMIN;
        }
        Builder b = new Builder();
        switch (r.code()) {
            case RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE,
                 RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2 -> {
                // the field the send processor reads, not another one a client may add beside it
                String topic = SendProcessor.sentTopic(r);
                if (topic != null && topic.startsWith(SystemTopics.RETRY_PREFIX)) {
                    b.group(topic.substring(SystemTopics.RETRY_PREFIX.length()), AclPerm.SUB);
                } else {
                    b.topic(topic, AclPerm.PUB);
                }
            }
            case RequestCode.CONSUMER_SEND_MSG_BACK -> {
                b.group(r.ext("group"), AclPerm.SUB);
                String origin = r.ext("originTopic"); // (the broker checks the message is on it, or the group's retries)
                if (origin != null && origin.startsWith(SystemTopics.RETRY_PREFIX)) { // a group's retries: its right
                    b.group(origin.substring(SystemTopics.RETRY_PREFIX.length()), AclPerm.SUB);
                } else if (origin != null && !origin.isEmpty()) {
                    b.topic(origin, AclPerm.SUB);
                }
            }
            case RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE, RequestCode.QUERY_CONSUMER_OFFSET,
                 RequestCode.UPDATE_CONSUMER_OFFSET -> {
                String topic = r.ext("topic");
                if (topic != null && topic.startsWith(SystemTopics.RETRY_PREFIX)) { // a group's retries: the group's right
                    b.group(topic.substring(SystemTopics.RETRY_PREFIX.length()), AclPerm.SUB);
                } else {
                    b.topic(topic, AclPerm.SUB);
                }
                b.group(r.ext("consumerGroup"), AclPerm.SUB);
            }
            case RequestCode.QUERY_MESSAGE, RequestCode.GET_MAX_OFFSET, RequestCode.GET_MIN_OFFSET,
                 RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, RequestCode.GET_EARLIEST_MSG_STORETIME -> {
                String topic = r.ext("topic");
                if (topic != null && SystemTopics.isInternal(topic)) {
                    return ADMIN; // (pending and rolled-back halves of every topic, by key: no consumer reads them)
                }
                if (topic != null && topic.startsWith(SystemTopics.RETRY_PREFIX)) { // a group's retries, as for pulls
                    b.group(topic.substring(SystemTopics.RETRY_PREFIX.length()), AclPerm.SUB);
                } else {
                    b.topic(topic, AclPerm.SUB);
                }
            }
            case RequestCode.GET_CONSUMER_LIST_BY_GROUP, RequestCode.UNREGISTER_CLIENT -> b.group(r.ext("consumerGroup"), AclPerm.SUB);
            case RequestCode.HEART_BEAT -> heartbeat(r, b);
            case RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ -> {
                if (r.body() != null) {
                    b.group(Json.decode(r.body(), LockBatchBody.class).consumerGroup(), AclPerm.SUB);
                }
            }
            case RequestCode.END_TRANSACTION -> {
                // the transaction is found as the coordinator will find it: by offset, else by transaction id
                long halfOffset; // parsed as the END processor parses it
                try {
                    halfOffset = Headers.optionalLong(r, "commitLogOffset", -1);
                } catch (RequestException e) {
                    halfOffset = -1; // refused by the processor anyway
                }
                String transactionId = r.ext("transactionId") != null ? r.ext("transactionId") : r.ext("msgId");
                halfTopic.topicOf(halfOffset, transactionId).ifPresent(t -> b.topic(t, AclPerm.PUB));
            }
            default -> {
                // other requests need a valid signature only
            }
        }
        return new AclNeeds(false, b.topics, b.groups);
    }

    private static void heartbeat(RemotingCommand r, Builder b) {
        if (r.body() == null) {
            return;
        }
        HeartbeatData data = Json.decode(r.body(), HeartbeatData.class);
        for (ConsumerData c : data.consumerDataSet()) {
            b.group(c.groupName(), AclPerm.SUB);
            for (SubscriptionData s : c.subscriptionDataSet()) {
                if (s.topic() != null && s.topic().startsWith(SystemTopics.RETRY_PREFIX)) {
                    b.group(s.topic().substring(SystemTopics.RETRY_PREFIX.length()), AclPerm.SUB);
                } else {
                    b.topic(s.topic(), AclPerm.SUB);
                }
            }
        }
    }

    private static final class Builder {
        final Map<String, Byte> topics = new LinkedHashMap<>();
        final Map<String, Byte> groups = new LinkedHashMap<>();

        Builder topic(String name, byte perm) {
            if (name != null && !name.isEmpty()) {
                topics.merge(name, perm, (x, y) -> (byte) (x | y));
            }
            return this;
        }

        Builder group(String name, byte perm) {
            if (name != null && !name.isEmpty()) {
                groups.merge(name, perm, (x, y) -> (byte) (x | y));
            }
            return this;
        }
    }
}
