package dev.halfmoon.log;

import dev.halfmoon.message.RecordView;

/**
 * Told about every record the dispatcher makes visible after the store opened (records that were
 * in the log at open are not replayed; read them with a scan from your own checkpoint). Called on
 * the dispatch thread: return quickly and never block on the store's append path.
 */
public interface DispatchListener {
    /**
     * One record became visible.
     *
     * @param record          view of the record; valid only during the call
     * @param commitLogOffset its position in the commit log
     */
    void onRecord(RecordView record, long commitLogOffset);

    /** A dispatch turn ended; everything below {@code dispatchedOffset} is visible. */
    default void onDispatched(long dispatchedOffset) {
    }

    /**
     * A dispatch turn ended, having added entries to the consume queues {@code grown} (valid only during the call);
     * by default {@link #onDispatched(long)}.
     */
    default void onDispatched(long dispatchedOffset, java.util.Set<TopicQueue> grown) {
        onDispatched(dispatchedOffset);
    }
}
