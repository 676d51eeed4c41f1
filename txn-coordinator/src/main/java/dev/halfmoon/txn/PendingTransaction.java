package dev.halfmoon.txn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the broker knows of one transaction whose half message is stored and whose outcome is not.
 * Immutable: changes make a new value, which the {@link PendingIndex} stores.
 *
 * @param halfOffset       commit-log offset of the half message (its key)
 * @param transactionId    the producer's id of it (UNIQ_KEY)
 * @param producerGroup    the group to ask (PGROUP)
 * @param topic            the real topic the message is for
 * @param queueId          the real queue
 * @param bornHost         {@code ip:port} of the producer instance that sent it
 * @param storeTimestamp   when the half was stored, ms
 * @param timeoutMs        how long after storing the first check-back is due
 * @param checkCount       check-backs actually sent
 * @param nextCheckMs      when the next check-back is due
 * @param lastCheckResult  what the last check led to ("sent to X", "no live producer", ...), or null
 * @param checks           check-backs sent so far, oldest first (the last few)
 * @param state            PENDING, or RESOLVING while an answer is being recorded
 */
public record PendingTransaction(long halfOffset, String transactionId, String producerGroup, String topic, int queueId,
                                 String bornHost, long storeTimestamp, long timeoutMs, int checkCount, long nextCheckMs,
                                 String lastCheckResult, List<CheckAttempt> checks, TransactionState state) {
    /** Check attempts kept per transaction (older ones are only counted). */
    public static final int HISTORY = 16;

    public PendingTransaction {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(producerGroup, "producerGroup");
        checks = List.copyOf(checks);
    }

    /** Age at {@code nowMs}. */
    public long ageMs(long nowMs) {
        return nowMs - storeTimestamp;
    }

    PendingTransaction withState(TransactionState next) {
        return new PendingTransaction(halfOffset, transactionId, producerGroup, topic, queueId, bornHost, storeTimestamp,
                timeoutMs, checkCount, nextCheckMs, lastCheckResult, checks, state.to(next));
    }

    /**
     * A check-back was sent: counted, remembered, next one scheduled. From its first check on, a transaction may stay
     * pending for long: its names are shared ({@link SharedNames}) from here, not on the path every half takes.
     */
    PendingTransaction withCheck(CheckAttempt attempt, long nextDueMs) {
        String target = SharedNames.of(attempt.target());
        List<CheckAttempt> history = new ArrayList<>(checks);
        history.add(new CheckAttempt(attempt.number(), attempt.atMs(), target));
        if (history.size() > HISTORY) {
            history.remove(0);
        }
        return new PendingTransaction(halfOffset, transactionId, SharedNames.of(producerGroup), SharedNames.of(topic),
                queueId, SharedNames.of(bornHost), storeTimestamp, timeoutMs, attempt.number(), nextDueMs,
                SharedNames.of("sent to " + target), history, state);
    }

    /** A check could not be sent: not counted, tried again at {@code nextDueMs} (names shared, as by withCheck). */
    PendingTransaction withDeferredCheck(String why, long nextDueMs) {
        return new PendingTransaction(halfOffset, transactionId, SharedNames.of(producerGroup), SharedNames.of(topic),
                queueId, SharedNames.of(bornHost), storeTimestamp, timeoutMs, checkCount, nextDueMs, SharedNames.of(why),
                checks, state);
    }

    /** The same transaction with its next check at {@code nextDueMs}. */
    PendingTransaction withNextCheck(long nextDueMs) {
        return new PendingTransaction(halfOffset, transactionId, producerGroup, topic, queueId, bornHost, storeTimestamp,
                timeoutMs, checkCount, nextDueMs, lastCheckResult, checks, state);
    }

    /** The same transaction, its half now at {@code newOffset} (carried forward before retention). */
    PendingTransaction movedTo(long newOffset) {
        return new PendingTransaction(newOffset, transactionId, producerGroup, topic, queueId, bornHost, storeTimestamp,
                timeoutMs, checkCount, nextCheckMs, lastCheckResult, checks, state);
    }
}
