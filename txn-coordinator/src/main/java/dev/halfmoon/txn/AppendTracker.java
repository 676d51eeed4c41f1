package dev.halfmoon.txn;

import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.LogStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The coordinator's appends, tracked until their effect is in the pending index, so that a
 * snapshot can name a log position below which every coordinator record is reflected.
 * Thread-safe.
 */
final class AppendTracker {
    private final LogStore store;
    private final AtomicLong tickets = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Long> lowerBounds = new ConcurrentSkipListMap<>();

    AppendTracker(LogStore store) {
        this.store = store;
    }

    /**
     * Appends {@code records} atomically and runs {@code apply} with the result before the append
     * stops counting as in flight.
     */
    <T> CompletableFuture<T> append(List<ByteBuffer> records, java.util.function.Function<AppendResult, T> apply) {
        return append(records, true, apply);
    }

    /**
     * Like {@link #append(List, java.util.function.Function)} for records no client waits on (ends,
     * check notes): their fsync may be shared with the next urgent append (see
     * {@link LogStore#appendUnhurried}).
     */
    <T> CompletableFuture<T> appendUnhurried(List<ByteBuffer> records, java.util.function.Function<AppendResult, T> apply) {
        return append(records, false, apply);
    }

    /**
     * Like {@link #append(List, java.util.function.Function)} for a half carried out of a segment retention is about
     * to delete: taken even while the disk is too full for other appends (see {@link LogStore#appendToFreeSpace}).
     */
    <T> CompletableFuture<T> appendToFreeSpace(List<ByteBuffer> records,
                                               java.util.function.Function<AppendResult, T> apply) {
        return track(() -> store.appendToFreeSpace(records), apply);
    }

    private <T> CompletableFuture<T> append(List<ByteBuffer> records, boolean urgent,
                                            java.util.function.Function<AppendResult, T> apply) {
        return track(() -> urgent ? store.append(records) : store.appendUnhurried(records), apply);
    }

    /** Counts the append as in flight from before it starts until {@code apply} has run. */
    private <T> CompletableFuture<T> track(Supplier<CompletableFuture<AppendResult>> append,
                                           java.util.function.Function<AppendResult, T> apply) {
        long ticket = tickets.incrementAndGet();
        lowerBounds.put(ticket, store.writtenOffset());
        return append.get().handle((result, error) -> {
            try {
                if (error != null) {
                    throw error instanceof RuntimeException re ? re : new IllegalStateException(error);
                }
                return apply.apply(result);
            } finally {
                lowerBounds.remove(ticket);
            }
        });
    }

    /** Like {@link #append(List, java.util.function.Function)} for an effect without a value. */
    CompletableFuture<Void> append(List<ByteBuffer> records, Consumer<AppendResult> apply) {
        return append(records, r -> {
            apply.accept(r);
            return null;
        });
    }

    /**
     * A log position such that every coordinator record below it has been applied to the index:
     * the lowest start of an append in flight, or the written offset read before looking.
     */
    long safePosition() {
        long min = store.writtenOffset();
        for (Long bound : lowerBounds.values()) {
            min = Math.min(min, bound);
        }
        return min;
    }
}
