package dev.halfmoon.txn;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.SysFlag;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message stored as two (or more) halves: a producer whose half send timed out after the broker stored it sends
 * it again (the official client retries sync sends), so two halves share a transaction id, producer group, topic and
 * body. The producer ends the one it heard back from; the other is checked back, and the producer's checker, asked
 * about that transaction id, answers COMMIT again: RocketMQ then delivers the message twice. Here the first commit of
 * such a message wins and every other copy is rolled back as a duplicate.
 *
 * <p>Halves pending at the same time are paired (at store time, and again at recovery), so the memory is that of the
 * duplicates pending now, usually none. A copy with no pair that may still have a committed twin (stored before this
 * start, whose twin may have been committed before it; or stored after a transaction with its id was committed) is
 * looked up before it commits: a committed message with its unique key, producer group and body, from another half,
 * makes it a duplicate. That look-up uses the key index; with the index disabled it finds nothing. Thread-safe.
 */
final class RetriedHalves {
    private static final Logger LOG = LoggerFactory.getLogger(RetriedHalves.class);
    /** The copies of one message: the half offsets of those not known resolved, and the one committed, or -1. */
    private static final class Copies {
        final java.util.Set<Long> unresolved = new java.util.HashSet<>();
        final java.util.Set<Long> all = new java.util.HashSet<>();
        long committed = -1;
    }

    /** How long before a half its committed twin may have been stored (a retried send comes seconds later). */
    static final long TWIN_WINDOW_MS = 3_600_000;
    private static final int TWINS_LOOKED_AT = 16;
    private static final long UNPAIRED = -2;

    private final Map<String, Copies> byTransactionId = new HashMap<>();
    private final LogStore store;
    private final PendingIndex index;
    private final long startedMs;

    /** @param startedMs when this start began: halves stored before it may have twins committed before a restart */
    RetriedHalves(LogStore store, PendingIndex index, long startedMs) {
        this.store = store;
        this.index = index;
        this.startedMs = startedMs;
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
    void recovered(java.util.Collection<PendingTransaction> pending) {
        Map<String, PendingTransaction> first = new HashMap<>(pending.size() * 4 / 3 + 16);
        for (PendingTransaction t : pending) {
            if (t.transactionId() != null) {
                PendingTransaction earlier = first.putIfAbsent(t.transactionId(), t);
                stored(t, earlier);
            }
        }
    }

    /**
     * Before committing {@code t}: the half offset of an earlier committed copy of its message (commit this one as a
     * rollback instead), or -1, in which case {@code t}, if paired, is recorded as the committed copy until
     * {@link #resolved} or {@link #commitFailed}. A copy committed while the pair was being made is found in the index's memory of
     * resolved transactions; one committed before this start or before {@code t} was stored, in the log, compared
     * with {@code half}, {@code t}'s record as already read (null if unreadable).
     */
    long claimCommit(PendingTransaction t, ByteBuffer half) {
        long paired = claimPaired(t);
        if (paired != UNPAIRED) {
            return paired;
        }
        if (t.storeTimestamp() < startedMs) { // a twin committed before this start was indexed when the store opened
            return committedTwin(t, half, false);
        }
        // one committed since, moments ago, may still be on its way into the index: wait for it (rare, and short)
        boolean twinCommitted = index.resolvedState(-1, t.transactionId()).orElse(null) == TransactionState.COMMITTED;
        return twinCommitted ? committedTwin(t, half, true) : -1;
    }

    private synchronized long claimPaired(PendingTransaction t) {
        Copies copies = t.transactionId() == null ? null : byTransactionId.get(t.transactionId());
        if (copies == null) {
            return UNPAIRED;
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

    /**
     * The half offset of a committed message that is {@code t}'s message committed from another half, or -1; with
     * {@code waitForIndex}, after the key index has caught up with the log (at most a second). A look-up that fails
     * finds nothing (logged): the transaction must not stay claimed.
     */
    private long committedTwin(PendingTransaction t, ByteBuffer half, boolean waitForIndex) {
        if (half == null) {
            return -1;
        }
        try {
            ByteBuffer body = RecordView.of(half).body();
            for (ByteBuffer found : store.findByKey(t.topic(), t.transactionId(), t.storeTimestamp() - TWIN_WINDOW_MS,
                    Long.MAX_VALUE, TWINS_LOOKED_AT, waitForIndex)) {
                RecordView c = RecordView.of(found);
                if (SysFlag.transactionType(c.sysFlag()) == SysFlag.TRANSACTION_COMMIT_TYPE
                        && c.preparedTransactionOffset() != t.halfOffset()
                        && t.transactionId().equals(MessageProperties.find(c.propertiesString(),
                        MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                        && t.producerGroup().equals(MessageProperties.find(c.propertiesString(),
                        MessageProperty.PRODUCER_GROUP))
                        && c.body().equals(body)) {
                    return c.preparedTransactionOffset();
                }
            }
            return -1;
        } catch (RuntimeException e) {
            LOG.warn("transaction {}: looking for a committed copy of its message failed; committing it", t.transactionId(), e);
            return -1;
        }
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
