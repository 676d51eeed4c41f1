package dev.halfmoon.broker.txn;

import dev.halfmoon.txn.CheckAttempt;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import java.util.List;

/**
 * A pending transaction as operators see it (admin tool, HTTP): the same fields in every view.
 * Immutable; serialised as JSON.
 */
public record TransactionView(String transactionId, long halfOffset, String offsetMsgId, String producerGroup,
                              String topic, int queueId, String bornHost, long storeTimestamp, long ageMs,
                              long timeoutMs, int checkCount, long nextCheckMs, String lastCheckResult,
                              List<CheckAttempt> checks, String state) {
    public static TransactionView of(PendingTransaction t, TransactionCoordinator coordinator, long nowMs) {
        return new TransactionView(t.transactionId(), t.halfOffset(), coordinator.offsetMessageId(t.halfOffset()),
                t.producerGroup(), t.topic(), t.queueId(), t.bornHost(), t.storeTimestamp(), t.ageMs(nowMs), t.timeoutMs(),
                t.checkCount(), t.nextCheckMs(), t.lastCheckResult(), t.checks(), t.state().name());
    }
}
