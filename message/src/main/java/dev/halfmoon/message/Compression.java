package dev.halfmoon.message;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.InflaterInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Message bodies as producers compressed them: the COMPRESSED bit of the stored sysFlag, and in bits 8–10 the kind
 * (RocketMQ's {@code CompressionType}: 1 LZ4 frames, 2 ZSTD frames, 3 or 0 ZLIB). RocketMQ 4 producers compress
 * with ZLIB; RocketMQ 5 producers with whichever {@code setCompressType} chose. Stateless.
 *
 * <p>LZ4 and ZSTD need lz4-java and zstd-jni, optional dependencies of this module: the broker stores and serves bodies
 * as they came and never calls this; the client and the admin tool bring them.
 */
public final class Compression {
    public static final int LZ4 = 1;
    public static final int ZSTD = 2;
    public static final int ZLIB = 3;

    private Compression() {
    }

    /** The compression kind of a record with {@code sysFlag}, 0 if its body is stored as sent. */
    public static int kind(int sysFlag) {
        if ((sysFlag & SysFlag.COMPRESSED) == 0) {
            return 0;
        }
        int kind = (sysFlag & SysFlag.COMPRESSION_TYPE_MASK) >>> 8;
        return kind == 0 ? ZLIB : kind;
    }

    /** The sysFlag bits that mark a body compressed with {@code kind}. */
    public static int flag(int kind) {
        return SysFlag.COMPRESSED | (kind << 8);
    }

    /** The most a body may decompress to: more is refused (a small body that would fill the heap). */
    public static final int MAX_DECOMPRESSED_BYTES = 256 << 20;

    /** {@code stored} decompressed as {@code sysFlag} says; an IOException if it cannot be. */
    public static byte[] decompress(int sysFlag, byte[] stored) throws IOException {
        int kind = kind(sysFlag);
        if (kind == 0) {
            return stored;
        }
        ByteArrayInputStream raw = new ByteArrayInputStream(stored);
        try (InputStream in = switch (kind) {
            case LZ4 -> Frames.lz4(raw);
            case ZSTD -> Frames.zstd(raw);
            case ZLIB -> new InflaterInputStream(raw);
            default -> throw new IOException("unknown compression type " + kind + " in sysFlag " + sysFlag);
        }) {
            byte[] body = in.readNBytes(MAX_DECOMPRESSED_BYTES + 1);
            if (body.length > MAX_DECOMPRESSED_BYTES) {
                throw new IOException("it decompresses to more than " + (MAX_DECOMPRESSED_BYTES >> 20) + " MiB");
            }
            return body;
        } catch (LinkageError e) { // lz4-java or zstd-jni missing, or ZSTD's native library not loadable here
            throw new IOException("cannot load the decompressor for compression type " + kind + ": " + e, e);
        }
    }

    /**
     * The LZ4 and ZSTD streams, in a class of their own: linked only when first used, so that without lz4-java or
     * zstd-jni (optional dependencies) the rest of this class works and those two fail with a LinkageError.
     */
    private static final class Frames {
        static InputStream lz4(InputStream raw) throws IOException {
            return new LZ4FrameInputStream(raw);
        }

        static InputStream zstd(InputStream raw) throws IOException {
            return new ZstdInputStream(raw);
        }
    }

    /** The name of compression kind {@code kind}, for messages to people. */
    public static String name(int kind) {
        return switch (kind) {
            case LZ4 -> "LZ4";
            case ZSTD -> "ZSTD";
            case ZLIB -> "ZLIB";
            default -> "type " + kind;
        };
    }
}
