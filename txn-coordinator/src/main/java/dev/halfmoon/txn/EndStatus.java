package dev.halfmoon.txn;

/** What became of an answer. Only APPLIED changed anything. */
public enum EndStatus {
    /** The transaction is now committed or rolled back. */
    APPLIED,
    /** UNKNOWN: nothing changes, the transaction will be checked again. */
    IGNORED_UNKNOWN,
    /** It was resolved before; this answer changes nothing. */
    ALREADY_RESOLVED,
    /** Another answer is being recorded right now; this one changes nothing. */
    IN_PROGRESS,
    /** No transaction with that offset or id. */
    NOT_FOUND,
    /** The answer comes from another producer group than the half's. */
    WRONG_GROUP,
    /** The store refused the records (disk full, shutting down); the transaction stays pending. */
    STORE_REFUSED
}
