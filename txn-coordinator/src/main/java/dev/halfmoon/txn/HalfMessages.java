package dev.halfmoon.txn;

import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import java.util.List;
import java.util.Map;

/** What a stored half message says about its transaction. Stateless. */
final class HalfMessages {
    private HalfMessages() {
    }

    /**
     * The pending transaction of a half stored at {@code offset}. Its first check is due
     * {@code CHECK_IMMUNITY_TIME_IN_SECONDS} after storing if the message asks for longer than the
     * broker's {@code transactionTimeOut}, else that timeout after storing.
     */
    static PendingTransaction pending(RecordView half, long offset, long defaultTimeoutMs) {
        Map<String, String> props = half.properties();
        String txId = props.getOrDefault(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "offset-" + offset);
        long timeout = timeoutMs(props.get(MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS), defaultTimeoutMs);
        String bornHost = half.bornHost().getAddress().getHostAddress() + ":" + half.bornHost().getPort();
        return new PendingTransaction(offset, txId, props.getOrDefault(MessageProperty.PRODUCER_GROUP, ""),
                props.getOrDefault(MessageProperty.REAL_TOPIC, ""),
                Integer.parseInt(props.getOrDefault(MessageProperty.REAL_QUEUE_ID, "0")), bornHost, half.storeTimestamp(),
                timeout, 0, half.storeTimestamp() + timeout, null, List.of(), TransactionState.PENDING);
    }

    static long timeoutMs(String immunitySeconds, long defaultTimeoutMs) {
        if (immunitySeconds == null) {
            return defaultTimeoutMs;
        }
        try {
            return Math.max(defaultTimeoutMs, Long.parseLong(immunitySeconds.trim()) * 1000);
        } catch (NumberFormatException e) {
            return defaultTimeoutMs;
        }
    }
}
