package dev.halfmoon.remoting;

/**
 * Header fields Halfmoon adds to RocketMQ's requests and responses. Apache RocketMQ's name servers, brokers and clients
 * ignore fields they do not know, so each is only ever extra information.
 */
public final class HalfmoonHeaders {
    /** REGISTER_BROKER: "true" when the body is the broker's whole topic table (a topic missing from it is gone). */
    public static final String WHOLE_TOPIC_TABLE = "wholeTopicTable";
    /**
     * END_TRANSACTION response refused as already resolved: how it was resolved (COMMITTED, ROLLED_BACK, GIVEN_UP),
     * so a producer can tell its COMMIT was applied by a check-back from its COMMIT coming too late.
     */
    public static final String TRANSACTION_STATE = "transactionState";

    private HalfmoonHeaders() {
    }
}
