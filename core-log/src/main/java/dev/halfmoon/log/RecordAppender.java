package dev.halfmoon.log;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The append path of the log: the one interface a replicated log would implement.
 *
 * <p>Records are in the stored-message layout (see {@code dev.halfmoon.message.RecordLayout}) with
 * queue offset, physical offset and store timestamp to be filled in. The buffers are read from
 * position to limit and not moved or kept. Implementations are thread-safe.
 */
public interface RecordAppender {
    /**
     * Appends records as one atomic batch: after a crash either all of them are in the log or none.
     * The future completes when the batch is as durable as the flush mode promises; it completes
     * exceptionally only for a broken invariant, never for an expected refusal (those are statuses).
     */
    CompletableFuture<AppendResult> append(List<ByteBuffer> records);

    /**
     * Like {@link #append(List)}, for records no client is waiting on (a transaction's end, a
     * check-back's note): under SYNC flush the fsync that makes them durable may wait up to a
     * millisecond for an append that is waited on, so that one fsync serves both. The future still
     * completes only once they are durable.
     */
    default CompletableFuture<AppendResult> appendUnhurried(List<ByteBuffer> records) {
        return append(records);
    }

    /**
     * Like {@link #append(List)}, for what a {@link RetentionHook} carries out of a segment about to be deleted: taken
     * even while appends are refused for a disk over {@code diskSpaceWarningLevelRatio} (that last share of the disk is
     * kept for it), or retention could never free such a disk; refused, like the rest, with less than 16 MiB free.
     */
    default CompletableFuture<AppendResult> appendToFreeSpace(List<ByteBuffer> records) {
        return append(records);
    }

    /** Appends one record. */
    default CompletableFuture<AppendResult> append(ByteBuffer record) {
        return append(List.of(record));
    }
}
