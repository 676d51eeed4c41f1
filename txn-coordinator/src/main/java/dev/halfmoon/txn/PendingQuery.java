package dev.halfmoon.txn;

/**
 * A filter and a page over pending transactions, oldest first. Null filters match everything.
 * Immutable.
 *
 * @param topic         only this real topic
 * @param producerGroup only this producer group
 * @param olderThanMs   only transactions at least this old
 * @param offset        entries to skip (paging)
 * @param limit         most entries returned (1..10 000)
 */
public record PendingQuery(String topic, String producerGroup, long olderThanMs, int offset, int limit) {
    public PendingQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1..10000: " + limit);
        }
    }

    public static PendingQuery all() {
        return new PendingQuery(null, null, 0, 0, 10_000);
    }
}
