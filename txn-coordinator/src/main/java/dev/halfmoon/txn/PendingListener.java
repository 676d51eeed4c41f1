package dev.halfmoon.txn;

/** Told of changes to the pending set (the check-back schedule follows it). Called under no lock; must be quick. */
public interface PendingListener {
    /** A transaction became pending, or its next check time changed. */
    void onPending(PendingTransaction transaction);

    /** A transaction left the pending set (resolved, or moved to a new offset: then onPending follows). */
    void onRemoved(long halfOffset);

    /** A transaction was resolved for good (after {@link #onRemoved}). */
    default void onResolved(PendingTransaction transaction, TransactionState outcome) {
    }
}
