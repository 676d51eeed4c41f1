package dev.halfmoon.remoting.body;

import java.util.Set;

/**
 * Topics and consumer groups that belong to the broker or RocketMQ's tooling rather than to an
 * application; listings for operators leave them out unless asked. Stateless.
 */
public final class SystemNames {
    private static final Set<String> TOPICS = Set.of("TBW102", "SCHEDULE_TOPIC_XXXX", "TRANS_CHECK_MAX_TIME_TOPIC",
            "OFFSET_MOVED_EVENT", "SELF_TEST_TOPIC", "BenchmarkTest");
    private static final Set<String> GROUPS = Set.of("TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP",
            "CID_ONSAPI_OWNER", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_PULL", "CID_ONS-HTTP-PROXY",
            "HALFMOON_SCHEDULE"); // (the delay scheduler keeps its scan position as an offset of this group)

    /** The group whose offsets are the delay schedule's progress: the broker's alone. */
    public static final String SCHEDULE_GROUP = "HALFMOON_SCHEDULE";

    private SystemNames() {
    }

    /** Groups whose offsets only the broker itself may move (clients committing them would lose or repeat messages). */
    public static boolean isBrokerGroup(String group) {
        return SCHEDULE_GROUP.equals(group);
    }

    /** The transaction, schedule, retry and dead-letter topics and RocketMQ's own. */
    public static boolean isSystemTopic(String topic) {
        return TOPICS.contains(topic) || topic.startsWith("RMQ_SYS_") || topic.startsWith("rmq_sys_")
                || topic.startsWith("%RETRY%") || topic.startsWith("%DLQ%");
    }

    /**
     * {@link #isSystemTopic(String)}, and the topics a broker makes at start under its cluster's and its own name
     * (marked, as in RocketMQ, by the INHERIT permission, which only templates have: mqadmin sets 2, 4 or 6) and its
     * cluster's reply topic.
     */
    public static boolean isSystemTopic(TopicConfig topic) {
        return isSystemTopic(topic.topicName()) || topic.topicName().endsWith("_REPLY_TOPIC")
                || (topic.perm() & Perm.INHERIT) != 0;
    }

    /** RocketMQ tooling's consumer groups, and the broker's own. */
    public static boolean isSystemGroup(String group) {
        return GROUPS.contains(group) || group.startsWith("CID_RMQ_SYS_");
    }
}
