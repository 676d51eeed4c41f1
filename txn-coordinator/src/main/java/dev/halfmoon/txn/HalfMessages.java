package dev.halfmoon.txn;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import java.net.InetSocketAddress;
import java.util.List;

/** What a stored half message says about its transaction. Stateless. */
final class HalfMessages {
    private HalfMessages() {
    }

    /**
     * The pending transaction of a half stored at {@code offset}. Its first check is due
     * {@code CHECK_IMMUNITY_TIME_IN_SECONDS} after storing if the message asks for longer than the
     * broker's {@code transactionTimeOut}, else that timeout after storing.
     */
    /** The transaction id of the half with properties {@code props} stored at {@code offset}: its unique id if it has one. */
    static String transactionId(String props, long offset) {
        String txId = MessageProperties.find(props, MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        return txId != null ? txId : "offset-" + offset;
    }

    static PendingTransaction pending(RecordView half, long offset, long defaultTimeoutMs) {
        String props = half.propertiesString(); // looked up, not decoded into a map: this runs for every half
        String txId = transactionId(props, offset);
        long timeout = timeoutMs(MessageProperties.find(props, MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS), defaultTimeoutMs);
        InetSocketAddress born = half.bornHost();
        String bornHost = born.getAddress().getHostAddress() + ":" + born.getPort();
        return new PendingTransaction(offset, txId,
                orEmpty(MessageProperties.find(props, MessageProperty.PRODUCER_GROUP)),
                orEmpty(MessageProperties.find(props, MessageProperty.REAL_TOPIC)),
                TransactionRecords.realQueueId(props), bornHost, half.storeTimestamp(),
                timeout, 0, half.storeTimestamp() + timeout, null, List.of(), TransactionState.PENDING);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
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
