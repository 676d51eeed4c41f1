package dev.halfmoon.txn;

/** A producer's (or operator's) answer about a transaction. */
public enum Decision {
    COMMIT,
    ROLLBACK,
    /** Not decided yet: the transaction stays pending and is checked again. */
    UNKNOWN
}
