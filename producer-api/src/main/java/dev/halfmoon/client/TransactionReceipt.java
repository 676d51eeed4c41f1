package dev.halfmoon.client;

/**
 * The result of a transactional send: where the half message was stored, what the local transaction returned, and
 * what the broker made of it. Immutable.
 *
 * @param receipt       the half message's receipt ({@code messageId} is the transaction id)
 * @param localOutcome  what the local transaction returned (UNKNOWN if it threw)
 * @param end           what the broker said to the outcome sent
 * @param brokerRemark  the broker's reason when it refused or did not confirm the outcome; null when applied
 */
public record TransactionReceipt(SendReceipt receipt, TransactionOutcome localOutcome, End end, String brokerRemark) {
    /** What became of the outcome sent to the broker. */
    public enum End {
        /** The broker applied it (or had already applied the same outcome, from a check-back). */
        APPLIED,
        /**
         * The broker refused it: the transaction was already resolved the other way, or given up after too many
         * unanswered check-backs (a COMMIT then delivers nothing; mqadmin resumeCheckHalfMessage can check it again).
         */
        REFUSED,
        /**
         * No answer came (timeout, connection lost, broker unknown or not finding it): the broker checks back, and the
         * listener's answer decides.
         */
        UNCONFIRMED,
        /** The local outcome was UNKNOWN: the broker checks back, and the listener's answer decides. */
        LEFT_TO_CHECK
    }

    /** The transaction id: the message's unique id. */
    public String transactionId() {
        return receipt.messageId();
    }

    /**
     * Whether the commit is confirmed: the local transaction said COMMIT and the broker applied it. False is not "lost":
     * with a local COMMIT and {@link End#UNCONFIRMED}, the broker checks back and the listener's COMMIT (the outbox
     * finds its row) delivers the message, so never send the work again under a new id on false alone; only
     * {@link End#REFUSED} means a committed local transaction's message will not be delivered.
     */
    public boolean committed() {
        return localOutcome == TransactionOutcome.COMMIT && end == End.APPLIED;
    }
}
