package dev.halfmoon.client;

/** The outcome of a local transaction, as the producer tells the broker. */
public enum TransactionOutcome {
    /** Make the message visible to consumers. */
    COMMIT,
    /** Drop the message. */
    ROLLBACK,
    /** Not known yet: the broker asks again later (a check-back). */
    UNKNOWN
}
