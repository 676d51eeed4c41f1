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
        if (trimmed.chars().allMatch(Character::isDigit) && trimmed.length() < 19) {
            return index.get(Long.parseLong(trimmed));
        }
        try {
            return index.get(OffsetMessageId.parse(trimmed).commitLogOffset());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
