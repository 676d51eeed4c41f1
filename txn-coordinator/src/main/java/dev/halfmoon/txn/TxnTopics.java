package dev.halfmoon.txn;

/** The hidden topics of transactions, with RocketMQ's spelling. */
public final class TxnTopics {
    /** Where half messages are stored until their transaction is resolved. */
    public static final String HALF = "RMQ_SYS_TRANS_HALF_TOPIC";
    /** Where op records (resolutions and check-backs) are stored. */
    public static final String OP = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    /** Where a copy of each given-up half message goes, for inspection. */
    public static final String CHECK_MAX_TIME = "TRANS_CHECK_MAX_TIME_TOPIC";
    /** Tag of op records. */
    public static final String OP_TAG = "d";

    private TxnTopics() {
    }

    /** True for records only the coordinator reads: they get no queue offset and no consumer sees them. */
    public static boolean isHidden(String topic) {
        return HALF.equals(topic) || OP.equals(topic);
    }
}
