package dev.halfmoon.txn;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message stored as two (or more) halves: a producer whose half send timed out after the broker stored it sends
 * it again (the official client retries sync sends), so two halves share a transaction id, producer group, topic and
 * body. The producer ends the one it heard back from; the other is checked back, and the producer's checker, asked
 * about that transaction id, answers COMMIT again: RocketMQ then delivers the message twice. Here the first commit of
 * such a message wins and every other copy is rolled back as a duplicate.
 *
 * <p>Only halves pending at the same time are paired (at store time, and again at recovery), so the memory is that of
 * the duplicates pending now, usually none. Not remembered across a restart: a copy still pending after its twin was
 * committed before a crash is committed too (the behaviour without this class). Thread-safe.
 */
final class RetriedHalves {
    /** The copies of one message: the half offsets of those not known resolved, and the one committed, or -1. */
    private static final class Copies {
        final java.util.Set<Long> unresolved = new java.util.HashSet<>();
        final java.util.Set<Long> all = new java.util.HashSet<>();
        long committed = -1;
    }

    private final Map<String, Copies> byTransactionId = new HashMap<>();
    private final LogStore store;
    private final PendingIndex index;

    RetriedHalves(LogStore store, PendingIndex index) {
        this.store = store;
        this.index = index;
    }

    /**
     * Pairs the half {@code stored} (not yet pending) with {@code earlier}, the half with its transaction id in the
     * index (pending, or being resolved right now), if they are one message.
     */
    void stored(PendingTransaction stored, PendingTransaction earlier) {
        if (earlier == null || stored.transactionId() == null || !sameMessage(stored, earlier)) {
            return;
        }
        synchronized (this) {
            Copies copies = byTransactionId.computeIfAbsent(stored.transactionId(), id -> new Copies());
            for (long offset : new long[] {earlier.halfOffset(), stored.halfOffset()}) {
                copies.all.add(offset);
                copies.unresolved.add(offset);
            }
        }
    }

    /** Pairs the copies among the transactions pending after recovery. */
    void recovered(Iterable<PendingTransaction> pending) {
        Map<String, PendingTransaction> first = new HashMap<>();
        for (PendingTransaction t : pending) {
            if (t.transactionId() != null) {
                PendingTransaction earlier = first.putIfAbsent(t.transactionId(), t);
                stored(t, earlier);
            }
        }
    }

    /**
     * Before committing {@code t}: the half offset of an earlier committed copy of its message (commit this one as a
     * rollback instead), or -1, in which case {@code t} is recorded as the committed copy until {@link #resolved} or
     * {@link #commitFailed}. A copy committed while the pair was being made is found in the index's memory of
     * resolved transactions.
     */
    synchronized long claimCommit(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies == null) {
            return -1;
        }
        if (copies.committed < 0) {
            for (long other : copies.all) {
                if (other != t.halfOffset() && index.resolvedState(other, null).orElse(null) == TransactionState.COMMITTED) {
                    copies.committed = other;
                }
            }
        }
        if (copies.committed >= 0 && copies.committed != t.halfOffset()) {
            return copies.committed;
        }
        copies.committed = t.halfOffset();
        return -1;
    }

    /** The commit claimed for {@code t} was not stored: another copy may commit. */
    synchronized void commitFailed(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies != null && copies.committed == t.halfOffset()) {
            copies.committed = -1;
        }
    }

    /** {@code t} is resolved (any outcome): forgets its message once no copy is pending any more. */
    synchronized void resolved(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies == null) {
            return;
        }
        copies.unresolved.remove(t.halfOffset());
        copies.unresolved.removeIf(offset -> index.get(offset).isEmpty()); // (one resolved while the pair was made)
        if (copies.unresolved.isEmpty()) {
            byTransactionId.remove(t.transactionId());
        }
    }

    synchronized int size() {
        return byTransactionId.size();
    }

    private boolean sameMessage(PendingTransaction a, PendingTransaction b) {
        if (!Objects.equals(a.producerGroup(), b.producerGroup()) || !Objects.equals(a.topic(), b.topic())) {
            return false;
        }
        ByteBuffer ra = store.readRecord(a.halfOffset());
        ByteBuffer rb = store.readRecord(b.halfOffset());
        return ra != null && rb != null && RecordView.of(ra).body().equals(RecordView.of(rb).body());
    }
}
