package dev.halfmoon.txn;

import dev.halfmoon.log.AppendStatus;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings given-up transactions back (RocketMQ's RESUME_CHECK_HALF_MESSAGE): a new half from the copy
 * a give-up left on TRANS_CHECK_MAX_TIME_TOPIC, each copy at most once. Thread-safe.
 */
final class GivenUpResumer {
    private static final Logger LOG = LoggerFactory.getLogger(GivenUpResumer.class);

    /** How the coordinator stores a half: appends it, calls back with its offset, makes it pending. */
    interface HalfStore {
        CompletableFuture<PrepareResult> store(ByteBuffer halfRecord, String txId, LongConsumer stored);
    }

    private final LogStore store;
    private final PendingIndex index;
    private final CoordinatorSnapshots snapshots;
    private final HalfStore halves;
    /** Copies being resumed right now: one resume per copy at a time. */
    private final Set<Long> resuming = ConcurrentHashMap.newKeySet();

    GivenUpResumer(LogStore store, PendingIndex index, CoordinatorSnapshots snapshots, HalfStore halves) {
        this.store = store;
        this.index = index;
        this.snapshots = snapshots;
        this.halves = halves;
    }

    /**
     * Makes a given-up transaction pending again (RocketMQ's RESUME_CHECK_HALF_MESSAGE): a new half
     * from its copy on TRANS_CHECK_MAX_TIME_TOPIC at {@code copyOffset}, checked from zero after its
     * timeout. Each copy is resumed at most once, so a transaction committed after its resumption can
     * never be brought back and delivered twice: the half it made is recorded durably as soon as it is
     * stored, and again by recovery if a crash came first; a mark whose half was lost with the
     * unflushed end of the log is dropped at start-up, so that copy can be resumed again.
     *
     * @return APPLIED (state PENDING) with the new half's offset in the message; NOT_FOUND if no
     *         given-up copy is there; ALREADY_RESOLVED if it was resumed before or is pending; STORE_REFUSED
     */
    CompletableFuture<EndResult> resume(long copyOffset) {
        ByteBuffer bytes = store.readRecord(copyOffset);
        RecordView copy = bytes == null ? null : RecordView.of(bytes);
        if (copy == null || !TxnTopics.CHECK_MAX_TIME.equals(copy.topic())) {
            return done(new EndResult(EndStatus.NOT_FOUND, null, "no given-up transaction at commit-log offset " + copyOffset
                    + (copy == null ? "" : " (the message there is on " + copy.topic() + ", not " + TxnTopics.CHECK_MAX_TIME + ")")));
        }
        String txId = copy.properties().get(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (txId != null && index.byTransactionId(txId).isPresent()) {
            return done(new EndResult(EndStatus.ALREADY_RESOLVED, TransactionState.PENDING, "transaction " + txId
                    + " is pending already"));
        }
        if (!resuming.add(copyOffset)) {
            return done(new EndResult(EndStatus.IN_PROGRESS, null, "the given-up transaction " + txId + " at " + copyOffset
                    + " is being resumed right now"));
        }
        try {
            if (snapshots.resumedHalf(copyOffset) != null) {
                resuming.remove(copyOffset);
                return done(new EndResult(EndStatus.ALREADY_RESOLVED, null, "the given-up transaction " + txId + " at "
                        + copyOffset + " was resumed before; a copy is resumed once (if it was given up again, resume its newer copy)"));
            }
            return halves.store(TransactionRecords.resumedHalf(copy, copyOffset), txId,
                    half -> snapshots.markResumed(copyOffset, half)).thenApply(r -> resumed(r, txId, copyOffset))
                    .whenComplete((r, e) -> resuming.remove(copyOffset));
        } catch (RuntimeException e) {
            resuming.remove(copyOffset);
            throw e;
        }
    }

    private static EndResult resumed(PrepareResult r, String txId, long copyOffset) {
        if (r.status() != AppendStatus.OK) {
            return new EndResult(EndStatus.STORE_REFUSED, null, "transaction " + txId + " not resumed: " + r.status().description());
        }
        LOG.info("given-up transaction {} resumed from {}: pending again, half at {}", txId, copyOffset, r.half().commitLogOffset());
        return new EndResult(EndStatus.APPLIED, TransactionState.PENDING, "transaction " + txId
                + " is pending again (half at " + r.half().commitLogOffset() + "); check-backs resume after its timeout");
    }

    private static CompletableFuture<EndResult> done(EndResult result) {
        return CompletableFuture.completedFuture(result);
    }
}
