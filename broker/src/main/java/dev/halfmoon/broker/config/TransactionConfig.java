package dev.halfmoon.broker.config;

/**
 * Transaction settings, with DESIGN.md's defaults. Immutable.
 *
 * @param timeoutMs       {@code transactionTimeOut}: first check-back after this long without an end (6 000)
 * @param checkMax        {@code transactionCheckMax}: check-backs before giving up (15)
 * @param checkIntervalMs {@code transactionCheckInterval}: the longest wait between two checks (60 000)
 */
public record TransactionConfig(long timeoutMs, int checkMax, long checkIntervalMs) {
}
