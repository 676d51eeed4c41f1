package dev.halfmoon.txn;

import java.nio.ByteBuffer;

/**
 * What a check-back needs: the transaction and the message body to send the producer. Immutable
 * apart from the body buffer, which belongs to the receiver.
 */
public record CheckRequest(PendingTransaction transaction, ByteBuffer body) {
}
