package dev.halfmoon.txn;

import dev.halfmoon.message.OffsetMessageId;
import java.util.Optional;

/** Reads the ways operators name a transaction: half offset (decimal), offset message id (hex), or transaction id. */
final class TransactionIds {
    private TransactionIds() {
    }

    static Optional<PendingTransaction> find(PendingIndex index, String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        String trimmed = id.trim();
        Optional<PendingTransaction> byTxId = index.byTransactionId(trimmed);
        if (byTxId.isPresent()) {
            return byTxId;
        }
        long offset = offset(trimmed);
        return offset < 0 ? Optional.empty() : index.get(offset);
    }

    /** How a transaction {@code id} names was resolved, while the index remembers it; empty if unknown. */
    static Optional<TransactionState> resolvedState(PendingIndex index, String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return index.resolvedState(offset(id.trim()), id.trim());
    }

    /** The half offset {@code id} names (decimal, or an offset message id), or -1. */
    private static long offset(String id) {
        if (id.chars().allMatch(Character::isDigit) && id.length() < 19) {
            return Long.parseLong(id);
        }
        try {
            return OffsetMessageId.parse(id).commitLogOffset();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
