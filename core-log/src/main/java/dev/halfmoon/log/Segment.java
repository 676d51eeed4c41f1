package dev.halfmoon.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One commit-log file of a fixed size, named by the global offset of its first byte (20 digits).
 *
 * <p>Writes go through {@link FileChannel#write(ByteBuffer, long)} so that a full disk is an
 * {@link IOException} rather than a fault in mapped memory; reads are slices of one read-only
 * mapping of the whole file (the file is created at full length, sparse, so the mapping never
 * reaches past its end). Linux keeps both coherent through the page cache.
 *
 * <p>Threading: one writer (the holder of the commit log's append lock) calls {@link #write};
 * {@link #force} may run on the flush thread at the same time; any thread may read slices below the
 * commit log's published write position. A segment never unmaps itself: a reader may still hold
 * a slice when the segment is deleted, and the mapping goes with the last reference.
 */
final class Segment {
    private final Path file;
    private final long startOffset;
    private final int size;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;

    private Segment(Path file, long startOffset, int size, FileChannel channel, MappedByteBuffer mapped) {
        this.file = file;
        this.startOffset = startOffset;
        this.size = size;
        this.channel = channel;
        this.mapped = mapped;
    }

    /** File name of the segment starting at {@code startOffset}. */
    static String fileName(long startOffset) {
        return String.format("%020d", startOffset);
    }

    /** Creates a new, zero-filled (sparse) segment; fails if the file exists. */
    static Segment create(Path dir, long startOffset, int size) {
        Path file = dir.resolve(fileName(startOffset));
        try (RandomAccessFile raf = new RandomAccessFile(Files.createFile(file).toFile(), "rw")) {
            raf.setLength(size);
        } catch (IOException e) {
            throw new LogIOException("create segment", file, 0, e);
        }
        return open(file, startOffset, size);
    }

    /** Opens an existing segment, growing a short file to {@code size} with zeros. */
    static Segment open(Path file, long startOffset, int size) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                if (channel.size() < size) {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                        raf.setLength(size);
                    }
                } else if (channel.size() > size) {
                    throw new IOException("segment is " + channel.size() + " bytes, the configured segment size is "
                            + size + " (segmentSizeBytes must not change on a store that has data)");
                }
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                return new Segment(file, startOffset, size, channel, mapped);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new LogIOException("open segment", file, 0, e);
        }
    }

    Path file() {
        return file;
    }

    long startOffset() {
        return startOffset;
    }

    /** Global offset one past the last byte this segment can hold. */
    long endOffset() {
        return startOffset + size;
    }

    int size() {
        return size;
    }

    boolean contains(long offset) {
        return offset >= startOffset && offset < startOffset + size;
    }

    /**
     * Writes all remaining bytes of {@code data} at {@code position} within the segment.
     *
     * @throws LogIOException naming this file and position on failure (e.g. a full disk)
     */
    void write(ByteBuffer data, int position) {
        long at = position;
        try {
            while (data.hasRemaining()) {
                at += channel.write(data, at);
            }
        } catch (IOException e) {
            throw new LogIOException("write", file, at, e);
        }
    }

    /** Forces written data to the device. */
    void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new LogIOException("fsync", file, -1, e);
        }
    }

    /** A read-only view of {@code length} bytes at {@code position} within the segment. */
    ByteBuffer slice(int position, int length) {
        return mapped.slice(position, length).asReadOnlyBuffer();
    }

    /** A read-only view of the whole segment (positions are segment-relative). */
    ByteBuffer view() {
        return mapped.duplicate().asReadOnlyBuffer();
    }

    /**
     * Discards everything from {@code position} to the end of the file, leaving zeros: used by
     * recovery to cut a torn or corrupt tail so that old bytes can never be mistaken for records.
     */
    void zeroFrom(int position) {
        try {
            channel.truncate(position);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(size);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new LogIOException("truncate", file, position, e);
        }
    }

    /** Closes the file channel; the mapping stays valid for readers until unreferenced. */
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new LogIOException("close", file, -1, e);
        }
    }

    /** Closes and deletes the file. */
    void delete() {
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LogIOException("delete", file, -1, e);
        }
    }

    @Override
    public String toString() {
        return "Segment[" + file.getFileName() + "]";
    }
}
