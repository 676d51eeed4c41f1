package dev.halfmoon.txn;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the pending index at start-up: the last snapshot, then the half and op records the log
 * holds after the snapshot's position, applied in log order. Re-applying a record the snapshot
 * already reflects changes nothing. Runs once on the opening thread, before the store accepts
 * appends.
 */
final class CoordinatorRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRecovery.class);

    private final PendingIndex index;
    private final long defaultTimeoutMs;
    private final Map<Long, Long> resumedHalves = new java.util.HashMap<>();
    /** Snapshot entries below the log's start, waiting for the copy retention made of their half. */
    private final Map<Long, PendingTransaction> carried = new java.util.HashMap<>();

    CoordinatorRecovery(PendingIndex index, long defaultTimeoutMs) {
        this.index = index;
        this.defaultTimeoutMs = defaultTimeoutMs;
    }

    /** Rebuilds the index from {@code snapshot}, the last snapshot's pending set, and the log from {@code from}, its position. */
    void recover(LogStore store, List<PendingTransaction> snapshot, long from) {
        long begin = System.nanoTime();
        long minOffset = store.minCommitLogOffset();
        long to = store.recoveredEndOffset();
        for (PendingTransaction t : snapshot) {
            if (t.halfOffset() < minOffset) {
                carried.put(t.halfOffset(), t); // retention deleted its segment: its copy is further on in the log
            } else if (t.halfOffset() >= to) {
                dropLost(t, minOffset, to);
            } else {
                index.restore(t);
            }
        }
        int[] seen = new int[2];
        store.scan(from, to, (record, offset) -> {
            String topic = record.topic();
            if (TxnTopics.HALF.equals(topic)) {
                seen[0]++;
                onHalf(record, offset);
            } else if (TxnTopics.OP.equals(topic)) {
                seen[1]++;
                onOp(record);
            }
        });
        for (PendingTransaction t : carried.values()) {
            dropLost(t, minOffset, to);
        }
        // What the scan changed stays dirty: the caller saves it with the new position, or a second
        // crash would bring back the snapshot's stale entries with no log left to correct them.
        LOG.info("transactions recovered: {} pending ({} from the snapshot, {} half and {} op records in {} bytes of log) in {} ms",
                index.size(), snapshot.size(), seen[0], seen[1], Math.max(0, to - from), (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * A snapshot entry whose half is gone, with no copy found: dropped, and deleted from the snapshot
     * (once the log grows past a cut tail's offset again, a later start would take it for pending).
     */
    private void dropLost(PendingTransaction t, long minOffset, long to) {
        LOG.error("pending transaction {} lost its half message (offset {} is outside the log, {}..{}); dropping it",
                t.transactionId(), t.halfOffset(), minOffset, to);
        index.dropSaved(t.halfOffset());
    }

    private void onHalf(RecordView record, long offset) {
        if (index.get(offset).isPresent()) {
            return;
        }
        Map<String, String> props = record.properties();
        String resumedFrom = props.get(TransactionRecords.RESUMED_FROM);
        if (resumedFrom != null) {
            resumedHalves.put(Long.parseLong(resumedFrom), offset);
        }
        String origin = props.get(TransactionRecords.ORIGIN);
        if (origin != null) {
            long old = Long.parseLong(origin);
            PendingTransaction beforeRetention = carriedAway(old, record, offset);
            if (beforeRetention != null) { // carried forward, then its segment deleted, since the snapshot
                index.put(beforeRetention.movedTo(offset));
                index.dropSaved(beforeRetention.halfOffset());
            } else if (index.get(old).isPresent()) {
                index.move(old, offset);
            } else if (index.resolvedState(offset, null).isEmpty()) {
                // the copy of a half this recovery never saw: the half came after the snapshot and its segment
                // was deleted since. Pending at the copy (an answer to it would be in the log after it).
                index.put(HalfMessages.pending(record, offset, defaultTimeoutMs));
            }
            return;
        }
        if (index.resolvedState(offset, null).isPresent()) {
            return;
        }
        index.put(HalfMessages.pending(record, offset, defaultTimeoutMs));
    }

    /**
     * The snapshot entry set aside that the copy at {@code offset} (made from {@code origin}) carries:
     * by offset, else by transaction id (carried more than once before a snapshot, its first copy's
     * segment deleted as well). Removed from the set-aside entries.
     */
    private PendingTransaction carriedAway(long origin, RecordView record, long offset) {
        PendingTransaction byOffset = carried.remove(origin);
        if (byOffset != null || carried.isEmpty()) {
            return byOffset;
        }
        String id = HalfMessages.pending(record, offset, defaultTimeoutMs).transactionId();
        for (PendingTransaction t : carried.values()) {
            if (t.transactionId().equals(id)) {
                return carried.remove(t.halfOffset());
            }
        }
        return null;
    }

    /** Halves made by resuming a given-up copy, found in the log after the snapshot: copy offset → half offset. */
    Map<Long, Long> resumedHalves() {
        return resumedHalves;
    }

    /**
     * Applies an op record. One about a snapshot entry set aside (its half's segment deleted) applies
     * to that entry: a check counts toward the copy found later; an outcome puts it back to be
     * resolved like any other (remembered as resolved, deleted from the snapshot), since no copy of a
     * resolved transaction is made.
     */
    private void onOp(RecordView record) {
        OpRecord op = TransactionRecords.readOp(record);
        if (op == null) {
            return;
        }
        PendingTransaction aside = carried.get(op.halfOffset());
        if (aside != null && op.kind() != OpKind.CHECK) {
            index.put(carried.remove(op.halfOffset()));
        }
        switch (op.kind()) {
            case COMMIT -> index.resolve(op.halfOffset(), TransactionState.COMMITTED);
            case ROLLBACK -> index.resolve(op.halfOffset(), TransactionState.ROLLED_BACK);
            case GIVE_UP -> index.resolve(op.halfOffset(), TransactionState.GIVEN_UP);
            case CHECK -> {
                PendingTransaction t = aside != null ? aside : index.get(op.halfOffset()).orElse(null);
                if (t != null && op.count() > t.checkCount()) {
                    PendingTransaction checked = t.withCheck(new CheckAttempt((int) op.count(), op.atMs(), op.by()), op.next());
                    if (aside != null) {
                        carried.put(op.halfOffset(), checked);
                    } else {
                        index.update(checked);
                    }
                }
            }
            default -> {
            }
        }
    }
}
