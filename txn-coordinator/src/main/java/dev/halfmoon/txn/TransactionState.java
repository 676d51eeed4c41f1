package dev.halfmoon.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a transaction, with the only transitions allowed. A transaction is PENDING from its
 * half message until the first final answer; RESOLVING while that answer's records are being
 * appended (a second answer meanwhile is refused, never applied); then COMMITTED, ROLLED_BACK or
 * GIVEN_UP for good. A failed append returns it to PENDING.
 */
public enum TransactionState {
    PENDING,
    RESOLVING,
    COMMITTED,
    ROLLED_BACK,
    GIVEN_UP;

    /** The states this one may follow. */
    public Set<TransactionState> predecessors() {
        return switch (this) {
            case PENDING -> EnumSet.of(RESOLVING);
            case RESOLVING -> EnumSet.of(PENDING);
            case COMMITTED, ROLLED_BACK, GIVEN_UP -> EnumSet.of(RESOLVING);
        };
    }

    /** True once nothing can change it any more. */
    public boolean isFinal() {
        return this == COMMITTED || this == ROLLED_BACK || this == GIVEN_UP;
    }

    /**
     * Checks a transition.
     *
     * @throws IllegalStateException if {@code next} may not follow this state
     */
    public TransactionState to(TransactionState next) {
        if (!next.predecessors().contains(this)) {
            throw new IllegalStateException("transaction cannot go from " + this + " to " + next);
        }
        return next;
    }
}
