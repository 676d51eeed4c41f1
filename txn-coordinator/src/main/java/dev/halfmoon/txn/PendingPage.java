package dev.halfmoon.txn;

import java.util.List;

/**
 * One page of pending transactions. Immutable.
 *
 * @param total        how many match the filter in all
 * @param transactions this page, oldest first
 */
public record PendingPage(int total, List<PendingTransaction> transactions) {
    public PendingPage {
        transactions = List.copyOf(transactions);
    }
}
