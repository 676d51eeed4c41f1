package dev.halfmoon.txn;

import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention's side of transactions: before a segment is deleted, the pending halves in it are copied forward (each
 * copy marked with where it came from) and the pending index moved to the copies. Thread-safe.
 */
final class HalfCarrier {
    private static final Logger LOG = LoggerFactory.getLogger(HalfCarrier.class);

    private final LogStore store;
    private final PendingIndex index;
    private final AppendTracker appends;
    /** Halves being carried forward (claimed meanwhile), completed when moved or released. */
    final Map<Long, CompletableFuture<Void>> carrying = new ConcurrentHashMap<>();

    HalfCarrier(LogStore store, PendingIndex index, AppendTracker appends) {
        this.store = store;
        this.index = index;
        this.appends = appends;
    }

    /**
     * Retention hook: copies every pending half in [{@code start}, {@code end}) forward, so the
     * transaction outlives the segment. Each is claimed while it is copied, so no answer can resolve
     * it at the old offset meanwhile; an answer arriving then is applied once the copy has taken its
     * place. Throws (postponing the deletion) if one is being resolved.
     */
    void carryForward(long start, long end) {
        for (PendingTransaction t : index.snapshot()) {
            if (t.halfOffset() < start || t.halfOffset() >= end) {
                continue;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            carrying.put(t.halfOffset(), done);
            try {
                if (index.claim(t.halfOffset()).isEmpty()) {
                    if (index.get(t.halfOffset()).isPresent()) {
                        throw new IllegalStateException("transaction " + t.transactionId() + " is being resolved; retry later");
                    }
                    continue; // resolved meanwhile
                }
                carry(t);
            } finally {
                carrying.remove(t.halfOffset());
                done.complete(null);
            }
        }
    }

    private void carry(PendingTransaction t) {
        AppendResult r = null;
        try {
            ByteBuffer half = store.readRecord(t.halfOffset());
            if (half == null) {
                return;
            }
            r = appends.appendToFreeSpace(List.of(TransactionRecords.copy(RecordView.of(half), t.halfOffset())),
                    (AppendResult result) -> {
                        if (result.ok()) {
                            index.move(t.halfOffset(), result.first().commitLogOffset());
                        }
                        return result;
                    }).join();
        } finally {
            if (r == null || !r.ok()) { // not moved: the claim ends here
                index.release(t.halfOffset());
            }
        }
        if (!r.ok()) {
            throw new IllegalStateException("cannot carry transaction " + t.transactionId() + " forward: "
                    + r.status().description());
        }
        LOG.info("carried pending transaction {} forward from {} to {} before retention", t.transactionId(),
                t.halfOffset(), r.first().commitLogOffset());
    }
}
