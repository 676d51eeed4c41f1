package dev.halfmoon.log;

import dev.halfmoon.message.RecordView;

/**
 * Decides which records get a queue offset and a consume-queue entry; registered once at open.
 * The store itself gives every record one. Upper layers use it for records that must stay in the
 * log but never be consumed. Must be a pure function of the record bytes: it runs both at append
 * and again during recovery. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface DispatchFilter {
    DispatchFilter ALL = record -> true;

    /** True if {@code record} gets a queue offset in its topic and queue. */
    boolean toQueue(RecordView record);
}
