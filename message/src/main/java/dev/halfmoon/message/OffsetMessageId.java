package dev.halfmoon.message;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * RocketMQ's offset message id: upper-case hex of the store host's address, its port (int32) and
 * the record's commit-log offset (int64). 32 hex characters for IPv4, 56 for IPv6. Immutable.
 *
 * @param storeHost       broker address clients reach it on
 * @param commitLogOffset byte position of the record in the commit log
 */
public record OffsetMessageId(InetSocketAddress storeHost, long commitLogOffset) {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** The id's text form. */
    public String encode() {
        byte[] ip = storeHost.getAddress().getAddress();
        ByteBuffer bytes = ByteBuffer.allocate(ip.length + 12);
        bytes.put(ip).putInt(storeHost.getPort()).putLong(commitLogOffset);
        return HEX.formatHex(bytes.array());
    }

    /** The id of a record whose STOREHOST field (address and port, as stored) is {@code storeHostBytes}. */
    public static String encode(byte[] storeHostBytes, long commitLogOffset) {
        ByteBuffer bytes = ByteBuffer.allocate(storeHostBytes.length + 8);
        bytes.put(storeHostBytes).putLong(commitLogOffset);
        return HEX.formatHex(bytes.array());
    }

    /**
     * Parses an id.
     *
     * @throws IllegalArgumentException if it is not 32 or 56 hex characters
     */
    public static OffsetMessageId parse(String id) {
        if (id == null || (id.length() != 32 && id.length() != 56)) {
            throw new IllegalArgumentException("an offset message id is 32 or 56 hex characters, got: " + id);
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an offset message id is hex, got: " + id, e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte[] ip = new byte[id.length() == 32 ? 4 : 16];
        buffer.get(ip);
        int port = buffer.getInt();
        long offset = buffer.getLong();
        try {
            return new OffsetMessageId(new InetSocketAddress(InetAddress.getByAddress(ip), port), offset);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: address of fixed length", e);
        }
    }
}
