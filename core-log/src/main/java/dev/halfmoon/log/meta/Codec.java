package dev.halfmoon.log.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a value into bytes for RocksDB and back. Implementations are stateless and thread-safe.
 *
 * @param <T> the value type
 */
public interface Codec<T> {
    byte[] encode(T value);

    T decode(byte[] bytes);

    /** UTF-8 strings. Keys encoded this way sort as their bytes. */
    Codec<String> STRING = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    /** Big-endian 8-byte longs. */
    Codec<Long> LONG = new Codec<>() {
        @Override
        public byte[] encode(Long value) {
            return ByteBuffer.allocate(8).putLong(value).array();
        }

        @Override
        public Long decode(byte[] bytes) {
            if (bytes.length != 8) {
                throw new IllegalArgumentException("a long is 8 bytes, got " + bytes.length);
            }
            return ByteBuffer.wrap(bytes).getLong();
        }
    };

    /** Raw bytes. */
    Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };
}
