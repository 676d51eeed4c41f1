package dev.halfmoon.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit-log file of a fixed size, named by the global offset of its first byte (20 digits).
 *
 * <p>Records are written with positional writes to the file and read through one mapping of the
 * whole file, which readers slice read-only (the page cache makes writes visible to it at once).
 * Records are not written through the mapping: each flush write-protects the mapped pages it
 * cleans, with a TLB shoot-down to every core per page, and the next append into such a page takes
 * a fault; under SYNC_FLUSH, which flushes a few records at a time, that cost a third of the
 * broker's CPU (measured: BENCHMARKS.md, 2026-12-06 later). Every range is first allocated with
 * ordinary zero writes: a full disk shows up as an {@link IOException} from that write, before any
 * record byte is written, and the zero pages are overwritten while still in the page cache. The
 * store's allocator thread keeps the space {@link #allocateAhead a few MiB ahead} of the write
 * position, so an append normally finds its range allocated and never writes zeros itself; if the
 * allocator falls behind, the appender {@link #allocate allocates} what it needs (a small chunk).
 *
 * <p>Threading: one writer (the holder of the commit log's append lock) writes; allocation is
 * serialised by its own lock and only ever touches bytes at or above the allocated mark, which
 * no record has reached; {@link #force} may run on the flush thread at the same time; any thread
 * may read slices below the commit log's published write position. A segment never unmaps itself:
 * a reader may still hold a slice when the segment is deleted, and the mapping goes with the last
 * reference. Retention {@link #unlink unlinks} a segment first and {@link #release releases} its
 * blocks only after a grace period in which readers finish.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    private final Path file;
    private final long startOffset;
    private final int size;
    /** What an appender allocates when it finds its range unallocated (the allocator fell behind). */
    private static final int APPEND_CHUNK = 256 << 10;
    /** The most the allocator writes in one step, so an appender waiting for the allocation lock waits little. */
    private static final int AHEAD_STEP = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    /** Replaced when an interrupt of a writing thread closed it (see {@link #writeAt}); null once closed for good. */
    private volatile FileChannel channel;
    private volatile boolean closed;
    private final MappedByteBuffer mapped;
    private final ByteBuffer shared;
    private final Object allocation = new Object();
    private volatile int allocated;

    private Segment(Path file, long startOffset, int size, FileChannel channel, MappedByteBuffer mapped) {
        this.file = file;
        this.startOffset = startOffset;
        this.size = size;
        this.channel = channel;
        this.mapped = mapped;
        this.shared = mapped.asReadOnlyBuffer();
    }

    /** File name of the segment starting at {@code startOffset}. */
    static String fileName(long startOffset) {
        return String.format("%020d", startOffset);
    }

    /** Creates a new, zero-filled (sparse) segment; fails if the file exists. */
    static Segment create(Path dir, long startOffset, int size) {
        Path file = dir.resolve(fileName(startOffset));
        try {
            Files.createFile(file);
        } catch (IOException e) {
            throw new LogIOException("create segment", file, 0, e);
        }
        try {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(size);
            }
            return open(file, startOffset, size);
        } catch (IOException | RuntimeException e) {
            // a half-made file would make every later attempt fail on "file exists"
            try {
                Files.deleteIfExists(file);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof IOException io ? new LogIOException("create segment", file, 0, io) : (RuntimeException) e;
        }
    }

    /** Opens an existing segment, growing a short file to {@code size} with zeros. */
    static Segment open(Path file, long startOffset, int size) {
        try {
            return Uninterruptible.run(() -> openChannel(file, startOffset, size));
        } catch (IOException e) {
            throw new LogIOException("open segment", file, 0, e);
        }
    }

    private static Segment openChannel(Path file, long startOffset, int size) throws IOException {
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
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new Segment(file, startOffset, size, channel, mapped);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
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
     * Makes sure disk blocks back the segment up to {@code position} (exclusive), writing zeros from
     * the allocated mark up to the next {@value #APPEND_CHUNK}-byte boundary at or past it. Positions
     * below {@code from} hold data and are never touched. Appender only; free when the allocator
     * is ahead.
     *
     * @param from where unwritten space starts (the write position)
     * @throws LogIOException naming this file and position if the disk is full or the write fails
     */
    void allocate(int from, int position) {
        if (position <= allocated) {
            return;
        }
        synchronized (allocation) {
            long chunkEnd = ((long) position + APPEND_CHUNK - 1) / APPEND_CHUNK * APPEND_CHUNK;
            allocateLocked(from, (int) Math.min(size, chunkEnd));
        }
    }

    /**
     * One step (at most {@value #AHEAD_STEP} bytes) of allocating toward {@code from + ahead}. For
     * the allocator thread.
     *
     * @param from  the write position (may be stale: only bytes at or above the allocated mark are written)
     * @param ahead how far past {@code from} space should be allocated
     * @return bytes allocated by this step, 0 when the space is already there
     * @throws LogIOException if the disk is full or the write fails
     */
    int allocateAhead(int from, int ahead) {
        int target = (int) Math.min(size, (long) from + ahead);
        if (target <= allocated) {
            return 0;
        }
        synchronized (allocation) {
            int before = allocated;
            long stepEnd = (long) Math.max(before, from) + AHEAD_STEP;
            allocateLocked(from, (int) Math.min(target, stepEnd));
            return allocated - before;
        }
    }

    /** Bytes from the segment's start that are allocated. */
    int allocated() {
        return allocated;
    }

    private void allocateLocked(int from, int until) {
        if (until <= allocated) {
            return;
        }
        long at = Math.max(allocated, from);
        while (at < until) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), until - at));
            writeAt(zeros, at, "allocate");
            at += zeros.limit();
        }
        allocated = until;
    }

    /**
     * Writes all remaining bytes of {@code data} at {@code position} with a positional write (not
     * through the mapping), allocating first. Appender only.
     */
    void write(ByteBuffer data, int position) {
        allocate(position, position + data.remaining());
        writeAt(data, position, "write");
    }

    /**
     * Writes all remaining bytes of {@code data} at {@code position}, {@link Uninterruptible uninterruptibly}. The
     * channel may have been closed by an interrupt of another thread using it (the allocator and an appender share
     * it): a write that finds it closed while the segment is open reopens the file, and a write an interrupt cut off
     * is written again whole (no reader sees these bytes before the write returns, so writing them twice is harmless).
     */
    private void writeAt(ByteBuffer data, long position, String what) {
        int start = data.position();
        try {
            Uninterruptible.run(() -> {
                FileChannel ch = openChannel();
                data.position(start);
                for (long at = position; data.hasRemaining(); ) {
                    at += ch.write(data, at);
                }
                return null;
            });
        } catch (IOException e) {
            throw new LogIOException(what, file, position, e);
        }
    }

    /** The channel, reopened if an interrupt closed it; closed for good once the segment is. */
    private FileChannel openChannel() throws IOException {
        FileChannel ch = channel;
        if (!ch.isOpen()) {
            if (closed) {
                throw new ClosedChannelException();
            }
            reopen(ch);
        }
        return channel;
    }

    private synchronized void reopen(FileChannel stale) {
        if (channel != stale || closed) {
            return; // another thread reopened it already, or the segment was closed meanwhile
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            LOG.warn("{} was closed by a thread's interrupt during a write; reopened it and wrote again", file);
        } catch (IOException e) {
            throw new LogIOException("reopen", file, -1, e);
        }
    }

    /** Forces the bytes in [{@code from}, {@code to}) to the device. */
    void force(int from, int to) {
        try {
            mapped.force(from, to - from);
        } catch (java.io.UncheckedIOException e) {
            throw new LogIOException("msync", file, from, e.getCause());
        }
    }

    /** A read-only view of {@code length} bytes at {@code position} within the segment. */
    ByteBuffer slice(int position, int length) {
        return mapped.slice(position, length).asReadOnlyBuffer();
    }

    /**
     * One read-only view of the whole segment shared by every reader, for absolute reads only (its position and
     * limit must not move): what a read of each record would otherwise allocate.
     */
    ByteBuffer sharedView() {
        return shared;
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
            mapped.force();
            channel.truncate(position);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(size);
            }
            channel.force(true);
            synchronized (allocation) {
                allocated = position;
            }
        } catch (IOException e) {
            throw new LogIOException("truncate", file, position, e);
        }
    }

    /** Closes the file channel; the mapping stays valid for readers until unreferenced. */
    synchronized void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new LogIOException("close", file, -1, e);
        }
    }

    /** Closes and deletes the file at once: only for a segment no reader can hold a slice of (recovery, unused). */
    void delete() {
        unlink();
        release();
    }

    /** Removes the file's name; its blocks stay allocated, and reads of it valid, until {@link #release}. */
    void unlink() {
        Retirement.unlink(file);
    }

    /** Gives the file's blocks back (truncating it) and closes it: nothing of it may be read after this. */
    synchronized void release() {
        closed = true;
        Retirement.giveBack(channel, file);
    }

    @Override
    public String toString() {
        return "Segment[" + file.getFileName() + "]";
    }
}
