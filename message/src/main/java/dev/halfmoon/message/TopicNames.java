package dev.halfmoon.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Topic names read from stored records, one shared {@code String} per recently seen name: every record's topic is read
 * three times on its way in (its queue offset, the dispatch filter, the consume queue), and decoding it each time
 * allocated a string and its array for each. A direct-mapped table of {@value #SLOTS} names, each found by a hash of
 * its bytes and checked byte by byte; a name that meets another in its slot replaces it. Thread-safe: entries are
 * immutable, and a racing reader at worst decodes the name again.
 */
final class TopicNames {
    private static final int SLOTS = 1024;
    private static final Entry[] TABLE = new Entry[SLOTS];

    private record Entry(byte[] bytes, String name) {
    }

    private TopicNames() {
    }

    /** The name in the {@code length} bytes (UTF-8) at {@code position} of {@code buffer}; its position is not moved. */
    static String decode(ByteBuffer buffer, int position, int length) {
        int hash = 1;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + buffer.get(position + i);
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Entry e = TABLE[slot];
        if (e != null && matches(e.bytes, buffer, position, length)) {
            return e.name;
        }
        byte[] bytes = new byte[length];
        buffer.get(position, bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        TABLE[slot] = new Entry(bytes, name);
        return name;
    }

    private static boolean matches(byte[] bytes, ByteBuffer buffer, int position, int length) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != buffer.get(position + i)) {
                return false;
            }
        }
        return true;
    }
}
