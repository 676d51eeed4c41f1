package dev.halfmoon.txn;

/** Who gave the answer that resolved a transaction. */
public enum Resolver {
    /** END_TRANSACTION right after the local transaction. */
    PRODUCER,
    /** END_TRANSACTION answering a check-back. */
    CHECK,
    /** An operator, through the admin request. */
    ADMIN,
    /** The give-up policy after the last check-back. */
    POLICY
}
