package dev.halfmoon.txn;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.SysFlag;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How transaction records are built and read: the half message from the producer's message, the
 * final message restored from the half, op records, the check-back body and the give-up copy.
 * Stateless.
 *
 * <p>Op record: topic {@link TxnTopics#OP}, queue 0, tag "d", body = the half's commit-log offset in
 * decimal (as RocketMQ writes it), properties {@code HM_OP} (an {@link OpKind}), {@code HM_BY},
 * {@code HM_COUNT}, {@code HM_NEXT}.
 */
public final class TransactionRecords {
    static final String OP = "HM_OP";
    static final String BY = "HM_BY";
    static final String COUNT = "HM_COUNT";
    static final String NEXT = "HM_NEXT";
    /** On a carried-forward half: the offset of the half it copies. */
    static final String ORIGIN = "HM_ORIGIN";
    /** On a carried-forward half: the offset of the half the producer sent, before the first carry. */
    static final String FIRST = "HM_FIRST";
    /** On a resumed half: the offset of the given-up copy it was made from. */
    static final String RESUMED_FROM = "HM_RESUMED_FROM";

    private TransactionRecords() {
    }

    /** The half message for {@code message} (the producer's message, on its real topic and queue). */
    public static ByteBuffer half(RecordDraft message) {
        String props = message.properties();
        String queueId = Integer.toString(message.queueId());
        if (MessageProperties.find(props, MessageProperty.REAL_TOPIC) == null
                && MessageProperties.find(props, MessageProperty.REAL_QUEUE_ID) == null) { // the usual case: no decoding
            props = MessageProperties.append(MessageProperties.append(props, MessageProperty.REAL_TOPIC, message.topic()),
                    MessageProperty.REAL_QUEUE_ID, queueId);
        } else { // the producer set them itself: ours replace its values
            Map<String, String> map = MessageProperties.decode(props);
            map.put(MessageProperty.REAL_TOPIC, message.topic());
            map.put(MessageProperty.REAL_QUEUE_ID, queueId);
            props = MessageProperties.encode(map);
        }
        return RecordEncoder.encode(message.withDestination(TxnTopics.HALF, 0,
                SysFlag.withTransactionType(message.sysFlag(), SysFlag.TRANSACTION_PREPARED_TYPE)).withProperties(props));
    }

    /** The committed message restored from {@code half}: real topic and queue, commit type, the half's offset. */
    static ByteBuffer committed(RecordView half, long halfOffset) {
        String props = half.propertiesString(); // looked up, not decoded into a map: this runs for every commit
        String topic = MessageProperties.find(props, MessageProperty.REAL_TOPIC);
        return RecordEncoder.encode(new RecordDraft(topic, realQueueId(props), half.flag(),
                SysFlag.withTransactionType(half.sysFlag(), SysFlag.TRANSACTION_COMMIT_TYPE), half.bornTimestamp(),
                half.bornHost(), half.storeHost(), half.reconsumeTimes(), halfOffset, half.body(), props));
    }

    /** The REAL_QUEUE_ID of a half's properties string, 0 when it has none. */
    static int realQueueId(String halfProperties) {
        String queueId = MessageProperties.find(halfProperties, MessageProperty.REAL_QUEUE_ID);
        return queueId == null ? 0 : Integer.parseInt(queueId);
    }

    /** An op record about {@code halfOffset}. */
    static ByteBuffer op(OpKind kind, long halfOffset, String by, long count, long next, InetSocketAddress storeHost,
                         long now) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperty.TAGS, TxnTopics.OP_TAG);
        props.put(OP, kind.name());
        if (by != null) {
            props.put(BY, by);
        }
        props.put(COUNT, Long.toString(count));
        props.put(NEXT, Long.toString(next));
        return RecordEncoder.encode(new RecordDraft(TxnTopics.OP, 0, 0, 0, now, storeHost, storeHost, 0, 0,
                ByteBuffer.wrap(Long.toString(halfOffset).getBytes(StandardCharsets.US_ASCII)), MessageProperties.encode(props)));
    }

    /** Reads an op record; null if {@code record} is not one this coordinator wrote. */
    static OpRecord readOp(RecordView record) {
        Map<String, String> props = record.properties();
        String kind = props.get(OP);
        if (kind == null) {
            return null;
        }
        try {
            long halfOffset = Long.parseLong(StandardCharsets.US_ASCII.decode(record.body()).toString().trim());
            return new OpRecord(OpKind.valueOf(kind), halfOffset, props.get(BY),
                    Long.parseLong(props.getOrDefault(COUNT, "0")), Long.parseLong(props.getOrDefault(NEXT, "0")),
                    record.storeTimestamp());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A copy of {@code half} (at {@code halfOffset}) for carrying it forward before its segment is deleted. */
    static ByteBuffer copy(RecordView half, long halfOffset) {
        Map<String, String> props = half.properties();
        props.putIfAbsent(FIRST, props.getOrDefault(ORIGIN, Long.toString(halfOffset))); // (a copy made before FIRST: its origin)
        props.put(ORIGIN, Long.toString(halfOffset));
        return RecordEncoder.encode(new RecordDraft(TxnTopics.HALF, 0, half.flag(), half.sysFlag(), half.bornTimestamp(),
                half.bornHost(), half.storeHost(), half.reconsumeTimes(), 0, half.body(), MessageProperties.encode(props)));
    }

    /** Whether {@code half} was carried forward from the half at {@code offset}, directly or through other copies. */
    static boolean carriedFrom(RecordView half, long offset) {
        String props = half.propertiesString();
        String value = Long.toString(offset);
        return value.equals(MessageProperties.find(props, ORIGIN)) || value.equals(MessageProperties.find(props, FIRST));
    }

    /**
     * A new half from the given-up {@code copy} at {@code copyOffset}: pending again, its check count
     * from zero, and marked with the copy it came from.
     */
    static ByteBuffer resumedHalf(RecordView copy, long copyOffset) {
        Map<String, String> props = copy.properties();
        props.remove(MessageProperty.TRANSACTION_CHECK_TIMES);
        props.remove(ORIGIN); // a new transaction's half, not a carried-forward one (recovery would drop it)
        props.remove(FIRST);
        props.put(RESUMED_FROM, Long.toString(copyOffset));
        return RecordEncoder.encode(new RecordDraft(TxnTopics.HALF, 0, copy.flag(),
                SysFlag.withTransactionType(copy.sysFlag(), SysFlag.TRANSACTION_PREPARED_TYPE), copy.bornTimestamp(),
                copy.bornHost(), copy.storeHost(), copy.reconsumeTimes(), 0, copy.body(), MessageProperties.encode(props)));
    }

    /** A copy of a given-up half on {@link TxnTopics#CHECK_MAX_TIME}, where operators can look at it. */
    static ByteBuffer giveUpCopy(RecordView half) {
        return RecordEncoder.encode(new RecordDraft(TxnTopics.CHECK_MAX_TIME, 0, half.flag(),
                SysFlag.withTransactionType(half.sysFlag(), SysFlag.TRANSACTION_NOT_TYPE), half.bornTimestamp(),
                half.bornHost(), half.storeHost(), half.reconsumeTimes(), 0, half.body(), half.propertiesString()));
    }

    /**
     * The body of a CHECK_TRANSACTION_STATE: the half as the producer sent it (real topic and queue,
     * plain transaction type), its commit-log offset in PHYSICALOFFSET, and the check count.
     */
    public static ByteBuffer checkBody(RecordView half, long halfOffset, int checkTimes) {
        Map<String, String> props = half.properties();
        props.put(MessageProperty.TRANSACTION_CHECK_TIMES, Integer.toString(checkTimes));
        String topic = props.getOrDefault(MessageProperty.REAL_TOPIC, TxnTopics.HALF);
        int queueId = Integer.parseInt(props.getOrDefault(MessageProperty.REAL_QUEUE_ID, "0"));
        ByteBuffer body = RecordEncoder.encode(new RecordDraft(topic, queueId, half.flag(),
                SysFlag.withTransactionType(half.sysFlag(), SysFlag.TRANSACTION_NOT_TYPE), half.bornTimestamp(),
                half.bornHost(), half.storeHost(), half.reconsumeTimes(), 0, half.body(), MessageProperties.encode(props)));
        body.putLong(RecordLayout.PHYSICAL_OFFSET_POSITION, halfOffset);
        body.putLong(RecordLayout.storeTimestampPosition(RecordView.of(body).sysFlag()), half.storeTimestamp());
        return body;
    }
}
