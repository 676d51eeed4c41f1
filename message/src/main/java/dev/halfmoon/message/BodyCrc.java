package dev.halfmoon.message;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * RocketMQ's body checksum: {@code java.util.zip.CRC32} of the stored body bytes, masked with
 * {@code 0x7FFFFFFF}. Stateless; thread-safe.
 */
public final class BodyCrc {
    private BodyCrc() {
    }

    /** Checksum of {@code length} bytes of {@code buffer} from absolute {@code position}; the buffer is not moved. */
    public static int of(ByteBuffer buffer, int position, int length) {
        CRC32 crc = new CRC32();
        crc.update(buffer.duplicate().limit(position + length).position(position));
        return (int) crc.getValue() & 0x7FFFFFFF;
    }

    /** Checksum of a whole array. */
    public static int of(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return (int) crc.getValue() & 0x7FFFFFFF;
    }
}
