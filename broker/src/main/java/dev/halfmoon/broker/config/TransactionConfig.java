package dev.halfmoon.broker.config;

/**
 * Transaction settings, with DESIGN.md's defaults. Immutable.
 *
 * @param timeoutMs       {@code transactionTimeOut}: first check-back after this long without an end (6 000)
 * @param checkMax        {@code transactionCheckMax}: check-backs before giving up (15)
 * @param checkIntervalMs {@code transactionCheckInterval}: the longest wait between two checks (60 000)
 * @param checkWindow     {@code transactionCheckWindow}: the most check-backs a producer connection has unanswered
 *                        at once (1 000; the official client queues 2 000 and drops the rest)
 */
public record TransactionConfig(long timeoutMs, int checkMax, long checkIntervalMs, int checkWindow) {
}
