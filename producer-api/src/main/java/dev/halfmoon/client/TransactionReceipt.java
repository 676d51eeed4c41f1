package dev.halfmoon.client;

/**
 * The result of a transactional send: where the half message was stored, and the outcome the
 * producer told the broker. Immutable.
 *
 * @param receipt       the half message's receipt ({@code messageId} is the transaction id)
 * @param localOutcome  what the local transaction returned (UNKNOWN if it threw)
 */
public record TransactionReceipt(SendReceipt receipt, TransactionOutcome localOutcome) {
    /** The transaction id: the message's unique id. */
    public String transactionId() {
        return receipt.messageId();
    }
}
