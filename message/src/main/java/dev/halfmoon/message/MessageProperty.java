package dev.halfmoon.message;

/**
 * Property keys with their exact RocketMQ spelling ({@code MessageConst}), and the separators
 * used inside property values. The one place where these wire strings are written down.
 */
public final class MessageProperty {
    public static final String KEYS = "KEYS";
    public static final String TAGS = "TAGS";
    public static final String WAIT_STORE_MSG_OK = "WAIT";
    public static final String DELAY_TIME_LEVEL = "DELAY";
    /** RocketMQ 5 timer messages: deliver at this time (ms since 1970). */
    public static final String TIMER_DELIVER_MS = "TIMER_DELIVER_MS";
    /** RocketMQ 5 timer messages: deliver this many seconds after the send. */
    public static final String TIMER_DELAY_SEC = "TIMER_DELAY_SEC";
    /** RocketMQ 5 timer messages: deliver this many milliseconds after the send. */
    public static final String TIMER_DELAY_MS = "TIMER_DELAY_MS";
    public static final String RETRY_TOPIC = "RETRY_TOPIC";
    public static final String REAL_TOPIC = "REAL_TOPIC";
    public static final String REAL_QUEUE_ID = "REAL_QID";
    public static final String TRANSACTION_PREPARED = "TRAN_MSG";
    public static final String PRODUCER_GROUP = "PGROUP";
    public static final String MIN_OFFSET = "MIN_OFFSET";
    public static final String MAX_OFFSET = "MAX_OFFSET";
    public static final String ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";
    public static final String RECONSUME_TIME = "RECONSUME_TIME";
    public static final String MAX_RECONSUME_TIMES = "MAX_RECONSUME_TIMES";
    public static final String UNIQ_CLIENT_MESSAGE_ID_KEYIDX = "UNIQ_KEY";
    public static final String TRANSACTION_CHECK_TIMES = "TRANSACTION_CHECK_TIMES";
    public static final String CHECK_IMMUNITY_TIME_IN_SECONDS = "CHECK_IMMUNITY_TIME_IN_SECONDS";
    public static final String TRANSACTION_PREPARED_QUEUE_OFFSET = "TRAN_PREPARED_QUEUE_OFFSET";
    public static final String CONSUME_START_TIMESTAMP = "CONSUME_START_TIME";
    public static final String CLUSTER = "CLUSTER";
    /** Request/reply: the requester's client id, which its reply is pushed to, and when the push left. */
    public static final String REPLY_TO_CLIENT = "REPLY_TO_CLIENT";
    public static final String PUSH_REPLY_TIME = "PUSH_REPLY_TIME";
    public static final String TRANSACTION_ID = "__transactionId__";

    /** Separates the words of {@link #KEYS}. */
    public static final String KEY_SEPARATOR = " ";

    private MessageProperty() {
    }
}
