package dev.halfmoon.broker.send;

/** Names of the broker's own topics, with RocketMQ's spelling. Stateless. */
public final class SystemTopics {
    public static final String HALF = "RMQ_SYS_TRANS_HALF_TOPIC";
    public static final String OP_HALF = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    public static final String CHECK_MAX_TIME = "TRANS_CHECK_MAX_TIME_TOPIC";
    public static final String SCHEDULE = "SCHEDULE_TOPIC_XXXX";
    public static final String RETRY_PREFIX = "%RETRY%";
    public static final String DLQ_PREFIX = "%DLQ%";

    private SystemTopics() {
    }

    /** Topics producers may not write directly: they hold the broker's own records. */
    public static boolean isInternal(String topic) {
        return HALF.equals(topic) || OP_HALF.equals(topic) || SCHEDULE.equals(topic);
    }

    public static String retryTopic(String group) {
        return RETRY_PREFIX + group;
    }

    public static String dlqTopic(String group) {
        return DLQ_PREFIX + group;
    }
}
