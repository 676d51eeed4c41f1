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
    /** The copies of one message: how many are unresolved, and the half offset of the one committed, or -1. */
    private static final class Copies {
        int unresolved;
        long committed = -1;
    }

    private final Map<String, Copies> byTransactionId = new HashMap<>();
    private final LogStore store;

    RetriedHalves(LogStore store) {
        this.store = store;
    }

    /**
     * Pairs the half {@code stored} (not yet pending) with {@code earlier}, the pending half with its transaction id, if
     * they are one message.
     */
    void stored(PendingTransaction stored, PendingTransaction earlier) {
        if (earlier == null || stored.transactionId() == null || !sameMessage(stored, earlier)) {
            return;
        }
        synchronized (this) {
            Copies copies = byTransactionId.computeIfAbsent(stored.transactionId(), id -> {
                Copies c = new Copies();
                c.unresolved = 1; // the earlier one
                return c;
            });
            copies.unresolved++;
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
     * {@link #commitFailed}.
     */
    synchronized long claimCommit(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies == null) {
            return -1;
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

    /** {@code t} is resolved (any outcome): forgets its message once no copy is unresolved. */
    synchronized void resolved(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies != null && --copies.unresolved <= 0) {
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
