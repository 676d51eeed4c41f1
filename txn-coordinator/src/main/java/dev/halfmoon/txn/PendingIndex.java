package dev.halfmoon.txn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pending transactions, in memory: by half offset and by transaction id, plus a bounded memory
 * of recently resolved ones (so a late second answer is reported as "already resolved" with its
 * outcome), and the set of entries changed since the last snapshot.
 *
 * <p>Thread-safe: one monitor ({@code this}) guards every change and every lookup; listeners are
 * called after it is released. {@link #snapshot} and {@link #size} take no lock (the pending map is
 * concurrent), so copying a million pending transactions for a gauge, a listing or a scan never
 * holds up the sends and ends that put and resolve them, some on network threads. Illegal state
 * changes are refused by {@link TransactionState#to}.
 */
public final class PendingIndex {
    /** Resolved transactions remembered (by half offset and by transaction id). */
    static final int RESOLVED_MEMORY = 50_000;

    private final Map<Long, PendingTransaction> byOffset;
    private final Map<String, Long> byTransactionId;
    private final Map<Long, PendingTransaction> dirty = new HashMap<>();
    /**
     * Halves {@link #putNew added} since the last {@link #takeDirty}: in no snapshot yet, so when one
     * is resolved before the next snapshot there is nothing to delete from it.
     */
    private final Set<Long> unsaved = new HashSet<>();
    private final ResolvedMemory resolved = new ResolvedMemory(RESOLVED_MEMORY);
    private final List<PendingListener> listeners = new CopyOnWriteArrayList<>();

    /** An index sized for {@code expected} transactions (a restart's snapshot: no rehashing a million entries). */
    PendingIndex(int expected) {
        byOffset = new ConcurrentHashMap<>(Math.max(16, expected));
        byTransactionId = new HashMap<>(Math.max(16, (int) Math.min(1 << 30, expected * 4L / 3 + 1)));
    }

    public void addListener(PendingListener listener) {
        listeners.add(listener);
    }

    /** Adds (or replaces) a pending transaction that a snapshot may already hold (recovery). */
    void put(PendingTransaction t) {
        put(t, true, false);
    }

    /**
     * Adds a pending transaction exactly as the snapshot holds it (recovery): not written again by the next snapshot,
     * which a restart with a million pending spent most of its time on (encoding each, one batch of them all).
     */
    void restore(PendingTransaction t) {
        put(t, false, false);
    }

    /**
     * Adds the transaction of a half just stored: no snapshot holds it, so if it is resolved before
     * the next snapshot, that snapshot neither writes nor deletes it (most transactions end within
     * milliseconds; this spares the metadata store a put or a tombstone for each).
     */
    void putNew(PendingTransaction t) {
        put(t, true, true);
    }

    /** @param changed whether the next snapshot must write it; {@code isNew}: no snapshot holds it yet */
    private void put(PendingTransaction t, boolean changed, boolean isNew) {
        synchronized (this) {
            Long offset = t.halfOffset();
            byOffset.put(offset, t);
            byTransactionId.put(t.transactionId(), offset);
            if (changed) {
                dirty.put(offset, t);
            }
            if (isNew) {
                unsaved.add(offset);
            }
        }
        listeners.forEach(l -> l.onPending(t));
    }

    /** Records that the transaction at {@code halfOffset} is gone, in the next snapshot if it may hold it. */
    private void forget(long halfOffset) {
        if (unsaved.remove(halfOffset)) {
            dirty.remove(halfOffset);
        } else {
            dirty.put(halfOffset, null);
        }
    }

    /** Whether a transaction (pending or being resolved) has its half at {@code halfOffset}. Takes no lock. */
    public boolean isPending(long halfOffset) {
        return byOffset.containsKey(halfOffset);
    }

    public synchronized Optional<PendingTransaction> get(long halfOffset) {
        return Optional.ofNullable(byOffset.get(halfOffset));
    }

    public synchronized Optional<PendingTransaction> byTransactionId(String transactionId) {
        Long offset = byTransactionId.get(transactionId);
        return offset == null ? Optional.empty() : Optional.ofNullable(byOffset.get(offset));
    }

    /** The final state of a recently resolved transaction (by half offset or transaction id), if remembered. */
    public synchronized Optional<TransactionState> resolvedState(long halfOffset, String transactionId) {
        Optional<TransactionState> s = resolved.byOffset(halfOffset);
        return s.isPresent() ? s : resolved.byTransactionId(transactionId);
    }

    /**
     * Moves a pending transaction to RESOLVING so that nobody else resolves it meanwhile.
     *
     * @return the transaction before the change, or empty if it is not PENDING (absent or already resolving)
     */
    synchronized Optional<PendingTransaction> claim(long halfOffset) {
        PendingTransaction t = byOffset.get(halfOffset);
        if (t == null || t.state() != TransactionState.PENDING) {
            return Optional.empty();
        }
        byOffset.put(halfOffset, t.withState(TransactionState.RESOLVING));
        return Optional.of(t);
    }

    /**
     * A claimed transaction goes back to PENDING (its records could not be appended, or a carry
     * forward failed). Listeners hear of it as pending again, so a check-back that fell due while
     * it was claimed (and was skipped) is scheduled anew.
     */
    void release(long halfOffset) {
        PendingTransaction released;
        synchronized (this) {
            PendingTransaction t = byOffset.get(halfOffset);
            if (t == null || t.state() != TransactionState.RESOLVING) {
                return;
            }
            released = t.withState(TransactionState.PENDING);
            byOffset.put(halfOffset, released);
        }
        listeners.forEach(l -> l.onPending(released));
    }

    /** A claimed (or, during recovery, pending) transaction is resolved for good. */
    void resolve(long halfOffset, TransactionState outcome) {
        resolve(halfOffset, outcome, outcome);
    }

    /**
     * As {@link #resolve(long, TransactionState)}, remembering {@code remembered} as the outcome later answers name:
     * a retried send's second copy is rolled back ({@code outcome}), but its message is committed (through its twin).
     */
    void resolve(long halfOffset, TransactionState outcome, TransactionState remembered) {
        PendingTransaction removed;
        synchronized (this) {
            removed = byOffset.remove(halfOffset);
            if (removed == null) {
                return;
            }
            TransactionState current = removed.state() == TransactionState.PENDING
                    ? TransactionState.PENDING.to(TransactionState.RESOLVING) : removed.state();
            current.to(outcome);
            byTransactionId.remove(removed.transactionId(), halfOffset);
            resolved.remember(halfOffset, removed.transactionId(), remembered);
            forget(halfOffset);
        }
        PendingTransaction gone = removed;
        listeners.forEach(l -> l.onRemoved(halfOffset));
        listeners.forEach(l -> l.onResolved(gone, outcome));
    }

    /** Replaces a transaction's check state (same key). Ignored if it is gone. */
    void update(PendingTransaction t) {
        modify(t.halfOffset(), current -> t);
    }

    /**
     * Changes a transaction's check state by applying {@code change} to its current value, atomically
     * (so concurrent changes never overwrite each other with stale copies). Its state (PENDING or
     * RESOLVING) is kept. Ignored if it is gone.
     */
    void modify(long halfOffset, java.util.function.UnaryOperator<PendingTransaction> change) {
        modify(halfOffset, change, true);
    }

    /**
     * Like {@link #modify(long, java.util.function.UnaryOperator)}, but with {@code save} false a change that only
     * moves the next check (a deferral) is not written to the snapshot by itself: lost in a crash, it only makes
     * the check come sooner, and a large pending set that cannot be checked now would rewrite every entry on
     * every checkpoint.
     */
    void modify(long halfOffset, java.util.function.UnaryOperator<PendingTransaction> change, boolean save) {
        PendingTransaction next;
        synchronized (this) {
            PendingTransaction current = byOffset.get(halfOffset);
            if (current == null) {
                return;
            }
            PendingTransaction t = change.apply(current);
            next = current.state() == t.state() ? t : new PendingTransaction(t.halfOffset(),
                    t.transactionId(), t.producerGroup(), t.topic(), t.queueId(), t.bornHost(), t.storeTimestamp(),
                    t.timeoutMs(), t.checkCount(), t.nextCheckMs(), t.lastCheckResult(), t.checks(), current.state());
            byOffset.put(halfOffset, next);
            if (save || dirty.containsKey(halfOffset)) {
                dirty.put(halfOffset, next);
            }
        }
        listeners.forEach(l -> l.onPending(next));
    }

    /**
     * Re-keys a transaction whose half was copied to {@code newOffset}; it is PENDING there (the
     * carrier's claim, if any, ends with the move).
     */
    void move(long oldOffset, long newOffset) {
        PendingTransaction moved;
        synchronized (this) {
            PendingTransaction t = byOffset.remove(oldOffset);
            if (t == null) {
                return;
            }
            PendingTransaction copy = t.movedTo(newOffset);
            moved = copy.state() == TransactionState.RESOLVING ? copy.withState(TransactionState.PENDING) : copy;
            byOffset.put(newOffset, moved);
            byTransactionId.put(moved.transactionId(), newOffset);
            forget(oldOffset);
            dirty.put(newOffset, moved);
        }
        listeners.forEach(l -> l.onRemoved(oldOffset));
        listeners.forEach(l -> l.onPending(moved));
    }

    /**
     * Every pending transaction: each one pending and unmoved throughout the call is in it once; one
     * added or resolved meanwhile may or may not be, and one moved meanwhile (carried forward by
     * retention) may be in it twice, at both offsets, or not at all. Callers re-check what they act
     * on. Takes no lock.
     */
    public List<PendingTransaction> snapshot() {
        return new ArrayList<>(byOffset.values());
    }

    /** Every pending transaction, live (no copy), with {@link #snapshot}'s guarantees while iterated. */
    public java.util.Collection<PendingTransaction> view() {
        return java.util.Collections.unmodifiableCollection(byOffset.values());
    }

    /** The store time of the oldest pending transaction, or -1 when none is pending; one pass, no copy. */
    public long oldestStoreTimestamp() {
        long oldest = Long.MAX_VALUE;
        for (PendingTransaction t : byOffset.values()) {
            oldest = Math.min(oldest, t.storeTimestamp());
        }
        return oldest == Long.MAX_VALUE ? -1 : oldest;
    }

    public int size() {
        return byOffset.size();
    }

    /** Deletes, in the next snapshot, an entry a snapshot holds that is not (or no longer) pending. */
    synchronized void dropSaved(long halfOffset) {
        if (!byOffset.containsKey(halfOffset)) {
            dirty.put(halfOffset, null);
        }
    }

    /** Takes the changes since the last call: half offset → new value, or null when removed. */
    synchronized Map<Long, PendingTransaction> takeDirty() {
        Map<Long, PendingTransaction> changes = new HashMap<>(dirty);
        dirty.clear();
        unsaved.clear(); // from here on a snapshot may hold them
        return changes;
    }

    /** Puts changes back after a failed snapshot write, unless newer ones replaced them. */
    synchronized void restoreDirty(Map<Long, PendingTransaction> changes) {
        changes.forEach((offset, t) -> {
            if (!dirty.containsKey(offset)) { // not putIfAbsent: a null (removed meanwhile) is newer and must stay
                dirty.put(offset, t);
            }
        });
    }
}
