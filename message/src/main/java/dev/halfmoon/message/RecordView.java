package dev.halfmoon.message;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A read-only look at one record in the {@link RecordLayout} format, at an absolute position of a
 * buffer. Reads fields on demand with absolute gets; never moves the buffer.
 *
 * <p>Not thread-safe in itself but holds no mutable state besides the buffer reference; views over
 * the same bytes may be used from different threads. Field readers assume {@link #check} said
 * {@link Check#OK}.
 */
public final class RecordView {
    /** What {@link #check} found. */
    public enum Check {
        OK,
        /** Fewer bytes than a length or fixed field needs. */
        TRUNCATED,
        /** MAGICCODE is not the V1 message magic. */
        BAD_MAGIC,
        /** The inner lengths do not add up to TOTALSIZE. */
        BAD_LENGTH,
        /** BODYCRC does not match the body. */
        BAD_BODY_CRC
    }

    private final ByteBuffer buffer;
    private final int base;

    private RecordView(ByteBuffer buffer, int base) {
        this.buffer = buffer;
        this.base = base;
    }

    /** A view of the record starting at absolute {@code position} of {@code buffer}. */
    public static RecordView at(ByteBuffer buffer, int position) {
        return new RecordView(buffer, position);
    }

    /** A view of the record at the buffer's current position. */
    public static RecordView of(ByteBuffer buffer) {
        return new RecordView(buffer, buffer.position());
    }

    /**
     * Checks that the record is whole within the buffer's limit: magic, every inner length, and the
     * body CRC when {@code checkBodyCrc}.
     */
    public Check check(boolean checkBodyCrc) {
        int available = buffer.limit() - base;
        if (available < RecordLayout.FIXED_SIZE_V4) {
            return Check.TRUNCATED;
        }
        if (magic() != RecordLayout.MESSAGE_MAGIC) {
            return Check.BAD_MAGIC;
        }
        int total = totalSize();
        if (total < RecordLayout.FIXED_SIZE_V4 || total > available) {
            return total < RecordLayout.FIXED_SIZE_V4 ? Check.BAD_LENGTH : Check.TRUNCATED;
        }
        int bodyLengthPosition = RecordLayout.bodyLengthPosition(sysFlag());
        if (bodyLengthPosition + 4 > total) {
            return Check.BAD_LENGTH;
        }
        int bodyLength = bodyLength();
        if (bodyLength < 0 || bodyLengthPosition + 4 + (long) bodyLength + 3 > total) {
            return Check.BAD_LENGTH;
        }
        int topicLengthPosition = bodyLengthPosition + 4 + bodyLength;
        int topicLength = buffer.get(base + topicLengthPosition);
        if (topicLength <= 0 || topicLengthPosition + 1 + topicLength + 2 > total) {
            return Check.BAD_LENGTH;
        }
        int propertiesLength = buffer.getShort(base + topicLengthPosition + 1 + topicLength);
        if (propertiesLength < 0 || topicLengthPosition + 1 + topicLength + 2 + propertiesLength != total) {
            return Check.BAD_LENGTH;
        }
        if (checkBodyCrc && BodyCrc.of(buffer, base + bodyLengthPosition + 4, bodyLength) != bodyCrc()) {
            return Check.BAD_BODY_CRC;
        }
        return Check.OK;
    }

    /** Absolute position of the record in the buffer. */
    public int position() {
        return base;
    }

    public int totalSize() {
        return buffer.getInt(base + RecordLayout.TOTAL_SIZE_POSITION);
    }

    public int magic() {
        return buffer.getInt(base + RecordLayout.MAGIC_POSITION);
    }

    public int bodyCrc() {
        return buffer.getInt(base + RecordLayout.BODY_CRC_POSITION);
    }

    public int queueId() {
        return buffer.getInt(base + RecordLayout.QUEUE_ID_POSITION);
    }

    public int flag() {
        return buffer.getInt(base + RecordLayout.FLAG_POSITION);
    }

    public long queueOffset() {
        return buffer.getLong(base + RecordLayout.QUEUE_OFFSET_POSITION);
    }

    public long physicalOffset() {
        return buffer.getLong(base + RecordLayout.PHYSICAL_OFFSET_POSITION);
    }

    public int sysFlag() {
        return buffer.getInt(base + RecordLayout.SYS_FLAG_POSITION);
    }

    public long bornTimestamp() {
        return buffer.getLong(base + RecordLayout.BORN_TIMESTAMP_POSITION);
    }

    public InetSocketAddress bornHost() {
        return host(RecordLayout.BORN_HOST_POSITION, (sysFlag() & SysFlag.BORNHOST_V6) != 0);
    }

    public long storeTimestamp() {
        return buffer.getLong(base + RecordLayout.storeTimestampPosition(sysFlag()));
    }

    public InetSocketAddress storeHost() {
        return host(RecordLayout.storeHostPosition(sysFlag()), (sysFlag() & SysFlag.STOREHOST_V6) != 0);
    }

    /** STOREHOST as stored: address bytes followed by the port (8 or 20 bytes). */
    public byte[] storeHostBytes() {
        int sysFlag = sysFlag();
        byte[] bytes = new byte[RecordLayout.hostWidth((sysFlag & SysFlag.STOREHOST_V6) != 0)];
        buffer.get(base + RecordLayout.storeHostPosition(sysFlag), bytes);
        return bytes;
    }

    public int reconsumeTimes() {
        return buffer.getInt(base + RecordLayout.reconsumeTimesPosition(sysFlag()));
    }

    public long preparedTransactionOffset() {
        return buffer.getLong(base + RecordLayout.preparedTransactionOffsetPosition(sysFlag()));
    }

    public int bodyLength() {
        return buffer.getInt(base + RecordLayout.bodyLengthPosition(sysFlag()));
    }

    /** The body as a read-only slice sharing the record's bytes. */
    public ByteBuffer body() {
        int position = base + RecordLayout.bodyLengthPosition(sysFlag()) + 4;
        return buffer.slice(position, bodyLength()).asReadOnlyBuffer();
    }

    /** The body copied into a new array. */
    public byte[] bodyBytes() {
        byte[] bytes = new byte[bodyLength()];
        buffer.get(base + RecordLayout.bodyLengthPosition(sysFlag()) + 4, bytes);
        return bytes;
    }

    private int topicLengthPosition() {
        int bodyLengthPosition = RecordLayout.bodyLengthPosition(sysFlag());
        return bodyLengthPosition + 4 + buffer.getInt(base + bodyLengthPosition);
    }

    public String topic() {
        int position = topicLengthPosition();
        int length = buffer.get(base + position);
        return TopicNames.decode(buffer, base + position + 1, length);
    }

    /** The raw properties string. */
    public String propertiesString() {
        int topicLengthPosition = topicLengthPosition();
        int position = base + topicLengthPosition + 1 + buffer.get(base + topicLengthPosition);
        return string(position + 2, buffer.getShort(position));
    }

    /** The properties decoded into a new mutable map. */
    public Map<String, String> properties() {
        return MessageProperties.decode(propertiesString());
    }

    /** The record's bytes as a read-only slice, {@link #totalSize()} long. */
    public ByteBuffer bytes() {
        return buffer.slice(base, totalSize()).asReadOnlyBuffer();
    }

    private String string(int position, int length) {
        byte[] bytes = new byte[length];
        buffer.get(position, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private InetSocketAddress host(int relative, boolean v6) {
        byte[] ip = new byte[v6 ? 16 : 4];
        buffer.get(base + relative, ip);
        int port = buffer.getInt(base + relative + ip.length);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: address of fixed length", e);
        }
    }
}
