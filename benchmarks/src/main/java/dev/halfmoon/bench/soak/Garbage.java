package dev.halfmoon.bench.soak;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Bad input for the garbage soak, made from real frames: random bytes, truncated and bit-flipped
 * copies, absurd declared lengths, header lengths past the frame, garbled JSON headers, unknown
 * request codes, headers stripped of their fields, and the real frames themselves. Not thread-safe
 * (one per attacker thread).
 */
final class Garbage {
    /** A frame to send and whether the server may keep the connection afterwards. */
    record Piece(byte[] bytes, boolean survivable, String kind) {
    }

    private static final String JSON_NOISE = "{}\":,[]\\\u0000";
    private final Random random;
    private final List<byte[]> real;

    Garbage(Random random, List<byte[]> real) {
        this.random = random;
        this.real = real;
    }

    Piece next() {
        byte[] frame = real.get(random.nextInt(real.size()));
        return switch (random.nextInt(9)) {
            case 0 -> new Piece(randomBytes(1 + random.nextInt(2048)), false, "random bytes");
            case 1 -> new Piece(Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1)), false, "truncated");
            case 2 -> new Piece(flipBits(frame), false, "bit flips");
            case 3 -> new Piece(hugeLength(frame), false, "huge declared length");
            case 4 -> new Piece(headerPastFrame(frame), false, "header past the frame");
            case 5 -> new Piece(garbleJson(frame), false, "garbled header");
            case 6 -> new Piece(withCode(frame, 50_000 + random.nextInt(10_000)), true, "unknown code");
            case 7 -> new Piece(strippedHeader(), true, "missing headers");
            default -> new Piece(frame, true, "real frame");
        };
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] flipBits(byte[] frame) {
        byte[] b = frame.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private byte[] hugeLength(byte[] frame) {
        byte[] b = frame.clone();
        int length = random.nextBoolean() ? Integer.MAX_VALUE : (64 << 20) + random.nextInt(1 << 30);
        ByteBuffer.wrap(b).putInt(0, length);
        return b;
    }

    private byte[] headerPastFrame(byte[] frame) {
        byte[] b = frame.clone();
        int serializeAndLength = ByteBuffer.wrap(b).getInt(4);
        int type = serializeAndLength >>> 24;
        ByteBuffer.wrap(b).putInt(4, (type << 24) | (b.length + random.nextInt(1 << 20)));
        return b;
    }

    private byte[] garbleJson(byte[] frame) {
        byte[] b = frame.clone();
        int headerLength = ByteBuffer.wrap(b).getInt(4) & 0xFFFFFF;
        for (int i = 0; i < 4 && headerLength > 2; i++) {
            b[8 + random.nextInt(Math.min(headerLength, b.length - 8))] = (byte) JSON_NOISE.charAt(random.nextInt(JSON_NOISE.length()));
        }
        return b;
    }

    private static byte[] withCode(byte[] frame, int code) {
        String header = new String(frame, 8, ByteBuffer.wrap(frame).getInt(4) & 0xFFFFFF, StandardCharsets.UTF_8);
        if (!header.startsWith("{")) {
            byte[] b = frame.clone();
            ByteBuffer.wrap(b).putShort(8, (short) code);
            return b;
        }
        return json(header.replaceFirst("\"code\":\\d+", "\"code\":" + code));
    }

    private byte[] strippedHeader() {
        int[] codes = {10, 11, 12, 14, 15, 34, 36, 37, 41, 105, 310, 320, 9901, 9903};
        return json("{\"code\":" + codes[random.nextInt(codes.length)]
                + ",\"extFields\":{},\"flag\":0,\"language\":\"JAVA\",\"opaque\":" + random.nextInt(1000) + ",\"version\":399}");
    }

    private static byte[] json(String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length);
        b.putInt(4 + h.length).putInt(h.length).put(h);
        return b.array();
    }
}
