package dev.halfmoon.txn;

/**
 * The outcome of an answer, with a sentence a person can act on. Immutable.
 *
 * @param status  what happened
 * @param state   the transaction's state afterwards, when known
 * @param message why, in words
 */
public record EndResult(EndStatus status, TransactionState state, String message) {
    public boolean applied() {
        return status == EndStatus.APPLIED;
    }
}
