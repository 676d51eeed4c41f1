package dev.halfmoon.txn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

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

    private static final Comparator<PendingTransaction> OLDEST_FIRST =
            Comparator.comparingLong(PendingTransaction::storeTimestamp).thenComparingLong(PendingTransaction::halfOffset);

    /**
     * This query's page of {@code pending}: one pass that keeps only the {@code offset + limit} oldest matches (a
     * bounded heap), not a copy and sort of everything, since operators look most when millions are pending.
     */
    PendingPage page(Iterable<PendingTransaction> pending, long now) {
        int keep = (int) Math.min(Integer.MAX_VALUE - 8L, (long) offset + limit);
        PriorityQueue<PendingTransaction> youngestOnTop = new PriorityQueue<>(OLDEST_FIRST.reversed());
        int total = 0;
        for (PendingTransaction t : pending) {
            if ((topic != null && !topic.equals(t.topic())) || (producerGroup != null && !producerGroup.equals(t.producerGroup()))
                    || t.ageMs(now) < olderThanMs) {
                continue;
            }
            total++;
            if (youngestOnTop.size() < keep) {
                youngestOnTop.add(t);
            } else if (OLDEST_FIRST.compare(t, youngestOnTop.peek()) < 0) {
                youngestOnTop.poll();
                youngestOnTop.add(t);
            }
        }
        List<PendingTransaction> oldest = new ArrayList<>(youngestOnTop);
        oldest.sort(OLDEST_FIRST);
        int from = Math.min(offset, oldest.size());
        return new PendingPage(total, List.copyOf(oldest.subList(from, oldest.size())));
    }
}
