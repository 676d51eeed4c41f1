package dev.halfmoon.txn;

import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The check-backs of pending transactions, as the coordinator keeps them: what a check carries, that one was sent
 * (counted in an op record), when the next is due. The check-back service decides when and whom to ask; this records
 * it. Thread-safe.
 */
public final class CheckBook {
    private final LogStore store;
    private final PendingIndex index;
    private final AppendTracker appends;
    private final Clock clock;
    private final InetSocketAddress storeHost;

    CheckBook(LogStore store, PendingIndex index, AppendTracker appends, Clock clock, InetSocketAddress storeHost) {
        this.store = store;
        this.index = index;
        this.appends = appends;
        this.clock = clock;
        this.storeHost = storeHost;
    }

    /** Whether the half at {@code halfOffset} can be read (false: the log is damaged there, or it is gone). */
    public boolean halfReadable(long halfOffset) {
        return store.readRecord(halfOffset) != null;
    }

    /** The transaction and the body of its next check-back, if it is still pending. */
    public Optional<CheckRequest> checkRequest(long halfOffset) {
        Optional<PendingTransaction> t = index.get(halfOffset).filter(p -> p.state() == TransactionState.PENDING);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer half = store.readRecord(halfOffset);
        if (half == null) {
            return Optional.empty();
        }
        return Optional.of(new CheckRequest(t.get(),
                TransactionRecords.checkBody(RecordView.of(half), halfOffset, t.get().checkCount() + 1)));
    }

    /**
     * A check-back was sent to {@code target}: counted (durably, in an op record) and the next one
     * scheduled.
     *
     * @return true once recorded; false if the store refused the op record (or it is no longer pending)
     */
    public CompletableFuture<Boolean> recordCheck(long halfOffset, String target, long nextDueMs) {
        Optional<PendingTransaction> t = index.get(halfOffset);
        if (t.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        long now = clock.millis();
        int number = t.get().checkCount() + 1;
        ByteBuffer op = TransactionRecords.op(OpKind.CHECK, halfOffset, target, number, nextDueMs, storeHost, now);
        return appends.appendUnhurried(List.of(op), (AppendResult result) -> {
            if (result.ok()) {
                index.modify(halfOffset, p -> p.withCheck(new CheckAttempt(number, now, target), nextDueMs));
            }
            return result.ok();
        });
    }

    /**
     * Moves a transaction's next check to {@code nextDueMs} before a check-back leaves, so that an
     * answer racing with the recording of the check never brings an old deadline back.
     */
    public void scheduleNextCheck(long halfOffset, long nextDueMs) {
        index.modify(halfOffset, t -> t.withNextCheck(nextDueMs), false); // (saved with the check's record)
    }

    /** A check-back could not be sent ({@code why}); it is not counted and is tried again at {@code nextDueMs}. */
    public void deferCheck(long halfOffset, String why, long nextDueMs) {
        index.modify(halfOffset, t -> t.withDeferredCheck(why, nextDueMs), false);
    }
}
