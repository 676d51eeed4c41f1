package dev.halfmoon.txn;

/** What an op record says about a half message. */
public enum OpKind {
    /** Committed: the final message was appended in the same batch. */
    COMMIT,
    /** Rolled back. */
    ROLLBACK,
    /** Given up after the last check-back by policy (rolled back, copied for inspection). */
    GIVE_UP,
    /** A check-back was sent; carries the count, the producer asked and when the next is due. */
    CHECK
}
