package dev.halfmoon.txn;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.Optional;

/** The answer to an END for a transaction that is not pending: already resolved (and how), or never known. Stateless. */
final class NotPending {
    private NotPending() {
    }

    static EndResult answer(EndRequest request, PendingIndex index, LogStore store) {
        ByteBuffer record = request.halfOffset() >= 0 ? store.readRecord(request.halfOffset()) : null;
        RecordView half = record != null && TxnTopics.HALF.equals(RecordView.of(record).topic()) ? RecordView.of(record) : null;
        // a half at the offset with another id is another transaction's (as find() has it), not this one resolved
        boolean another = half != null && request.transactionId() != null
                && !HalfMessages.transactionId(half.propertiesString(), request.halfOffset()).equals(request.transactionId());
        Optional<TransactionState> state = index.resolvedState(another ? -1 : request.halfOffset(), request.transactionId());
        if (state.isPresent()) {
            return alreadyResolved(request, state.get());
        }
        if (half != null && !another) {
            return alreadyResolved(request, null);
        }
        return new EndResult(EndStatus.NOT_FOUND, null, "no transaction with half offset " + request.halfOffset()
                + (request.transactionId() == null ? "" : " or id " + request.transactionId()));
    }

    static EndResult alreadyResolved(EndRequest request, TransactionState state) {
        String what = state == null ? "resolved" : state == TransactionState.GIVEN_UP
                ? "given up and rolled back (no final answer in time)" : state.name().toLowerCase().replace('_', ' ');
        return new EndResult(EndStatus.ALREADY_RESOLVED, state, "transaction "
                + (request.transactionId() != null ? request.transactionId() : "at " + request.halfOffset())
                + " was already " + what + "; this " + request.decision() + " changes nothing");
    }
}
