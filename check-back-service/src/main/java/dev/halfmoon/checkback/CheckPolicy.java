package dev.halfmoon.checkback;

/**
 * When to check and when to stop. Immutable; validated.
 *
 * <p>The first check is due at the transaction's own timeout ({@code transactionTimeOut}, or its
 * {@code CHECK_IMMUNITY_TIME_IN_SECONDS} if longer). After the n-th check the next one waits
 * {@code timeout × 2^(n-1)}, at most {@code checkIntervalMs}. After {@code checkMax} checks without a
 * final answer the transaction is given up. A check that could not be sent is not counted and
 * is tried again after {@code retryMs}; a transaction still pending {@code maxPendingMs} after it was stored (its
 * producer group never came back to be asked) is given up too, as RocketMQ drops halves older than
 * {@code fileReservedTime}, but here rolled back with a copy that can be resumed.
 *
 * @param checkMax        {@code transactionCheckMax} (15)
 * @param checkIntervalMs {@code transactionCheckInterval} (60 000): the longest wait between two checks
 * @param tickMs          the longest the schedule sleeps (1 000)
 * @param retryMs         wait before retrying a check that could not be sent (5 000)
 * @param maxPendingMs    the longest a transaction may stay pending ({@code fileReservedTime}, 72 h)
 */
public record CheckPolicy(int checkMax, long checkIntervalMs, long tickMs, long retryMs, long maxPendingMs) {
    static final long DEFAULT_MAX_PENDING_MS = 72 * 3_600_000L;

    public CheckPolicy {
        if (checkMax < 1) {
            throw new IllegalArgumentException("transactionCheckMax must be at least 1, was " + checkMax);
        }
        if (checkIntervalMs < 1 || tickMs < 1 || retryMs < 1 || maxPendingMs < 1) {
            throw new IllegalArgumentException("check intervals must be positive");
        }
    }

    /** With the longest pending time of 72 h. */
    public CheckPolicy(int checkMax, long checkIntervalMs, long tickMs, long retryMs) {
        this(checkMax, checkIntervalMs, tickMs, retryMs, DEFAULT_MAX_PENDING_MS);
    }

    public static CheckPolicy defaults() {
        return new CheckPolicy(15, 60_000, 1_000, 5_000);
    }

    /** Wait after the {@code checksSent}-th check of a transaction whose timeout is {@code timeoutMs}. */
    public long delayAfter(int checksSent, long timeoutMs) {
        int shift = Math.min(Math.max(checksSent - 1, 0), 30);
        long delay = timeoutMs << shift;
        return delay <= 0 ? checkIntervalMs : Math.min(delay, checkIntervalMs);
    }

    /** Wait before retrying a check that could not be sent. */
    public long retryDelay(long timeoutMs) {
        return Math.min(retryMs, Math.max(timeoutMs, tickMs));
    }
}
