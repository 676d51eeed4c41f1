package dev.halfmoon.message;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link RecordDraft} in the {@link RecordLayout} format, with queue offset, physical
 * offset and store timestamp left 0 for the commit log to patch. Stateless; thread-safe.
 */
public final class RecordEncoder {
    private RecordEncoder() {
    }

    /**
     * Encodes {@code draft} into a new heap buffer positioned at 0 whose limit is the record size.
     *
     * @throws IllegalArgumentException if the topic is longer than 127 bytes or the properties longer
     *                                  than 32767 bytes (the layout cannot hold them)
     */
    public static ByteBuffer encode(RecordDraft draft) {
        byte[] topic = draft.topic().getBytes(StandardCharsets.UTF_8);
        byte[] properties = draft.properties().getBytes(StandardCharsets.UTF_8);
        if (topic.length == 0 || topic.length > RecordLayout.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic must be 1.." + RecordLayout.MAX_TOPIC_BYTES
                    + " UTF-8 bytes, was " + topic.length + ": " + draft.topic());
        }
        if (properties.length > RecordLayout.MAX_PROPERTIES_BYTES) {
            throw new IllegalArgumentException("properties must be at most " + RecordLayout.MAX_PROPERTIES_BYTES
                    + " UTF-8 bytes, were " + properties.length);
        }
        byte[] bornIp = draft.bornHost().getAddress().getAddress();
        byte[] storeIp = draft.storeHost().getAddress().getAddress();
        int sysFlag = draft.sysFlag() & ~(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6);
        if (bornIp.length == 16) {
            sysFlag |= SysFlag.BORNHOST_V6;
        }
        if (storeIp.length == 16) {
            sysFlag |= SysFlag.STOREHOST_V6;
        }
        ByteBuffer body = draft.body().duplicate();
        int bodyLength = body.remaining();
        int size = RecordLayout.FIXED_SIZE_V4 + bodyLength + topic.length + properties.length
                + (bornIp.length - 4) + (storeIp.length - 4);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(size)
                .putInt(RecordLayout.MESSAGE_MAGIC)
                .putInt(BodyCrc.of(body, body.position(), bodyLength))
                .putInt(draft.queueId())
                .putInt(draft.flag())
                .putLong(0L)
                .putLong(0L)
                .putInt(sysFlag)
                .putLong(draft.bornTimestamp());
        putHost(out, bornIp, draft.bornHost());
        out.putLong(0L);
        putHost(out, storeIp, draft.storeHost());
        out.putInt(draft.reconsumeTimes())
                .putLong(draft.preparedTransactionOffset())
                .putInt(bodyLength)
                .put(body)
                .put((byte) topic.length)
                .put(topic)
                .putShort((short) properties.length)
                .put(properties);
        return out.flip();
    }

    private static void putHost(ByteBuffer out, byte[] ip, InetSocketAddress address) {
        out.put(ip).putInt(address.getPort());
    }
}
