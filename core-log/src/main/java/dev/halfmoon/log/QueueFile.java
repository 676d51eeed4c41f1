package dev.halfmoon.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One consume-queue file: a fixed number of 20-byte entries, named by the queue offset of its
 * first entry (20 digits).
 *
 * <pre>
 * entry (20 bytes, big-endian)
 *  0  8  commit-log offset of the record
 *  8  4  record size (0 marks a slot never written)
 * 12  8  tag code
 * </pre>
 *
 * <p>The file is filled with real zeros when created, so writing through the mapping never needs
 * new disk blocks (a full disk shows up as an {@link IOException} at creation, never as a fault).
 * Threading: one writer (the dispatch thread), many readers of slots below the queue's published end.
 */
final class QueueFile {
    /** Suffix of a file being created: never a complete queue file. */
    static final String CREATING = ".creating";
    static final int ENTRY_SIZE = 20;

    private final Path file;
    private final long startIndex;
    private final int entries;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;

    private QueueFile(Path file, long startIndex, int entries, FileChannel channel, MappedByteBuffer mapped) {
        this.file = file;
        this.startIndex = startIndex;
        this.entries = entries;
        this.channel = channel;
        this.mapped = mapped;
    }

    /**
     * Creates the file of {@code entries} empty slots starting at {@code startIndex}. It is filled under a temporary
     * name ({@link #CREATING}) and renamed into place, so a process killed while filling it leaves no short file under
     * the real name; {@link ConsumeQueue#open} deletes such leftovers. Nothing is forced to disk here (this runs on
     * the dispatch thread, and a file is 6 MB of zeros): a power loss can keep the name with a short file of zeros,
     * which {@link #isShortAndEmpty} recognises and the queue's open deletes, the entries being rebuilt from the log.
     */
    static QueueFile create(Path dir, long startIndex, int entries) {
        Path file = dir.resolve(String.format("%020d", startIndex));
        Path creating = dir.resolve(file.getFileName() + CREATING);
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(creating, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                long left = (long) entries * ENTRY_SIZE;
                long at = 0;
                while (left > 0) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                    int n = channel.write(zeros, at);
                    at += n;
                    left -= n;
                }
            }
            Files.move(creating, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(creating);
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw new LogIOException("create consume-queue file", file, 0, e);
        }
        return open(file, startIndex, entries);
    }

    /**
     * Whether {@code file} is shorter than a file of {@code entries} and holds only zeros: a creation whose data a
     * power loss did not keep (no entry was in it that reached the disk).
     */
    static boolean isShortAndEmpty(Path file, int entries) throws IOException {
        long size = Files.size(file);
        if (size >= (long) entries * ENTRY_SIZE) {
            return false;
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static QueueFile open(Path file, long startIndex, int entries) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                if (channel.size() != (long) entries * ENTRY_SIZE) {
                    throw new IOException("consume-queue file is " + channel.size() + " bytes, expected "
                            + (long) entries * ENTRY_SIZE + " (the entries-per-file setting must not change; a file"
                            + " left short by a crash of an older version may be deleted: the queue is rebuilt from the"
                            + " commit log)");
                }
                return new QueueFile(file, startIndex, entries, channel,
                        channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) entries * ENTRY_SIZE));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new LogIOException("open consume-queue file", file, 0, e);
        }
    }

    long startIndex() {
        return startIndex;
    }

    /** Queue offset one past the last slot. */
    long endIndex() {
        return startIndex + entries;
    }

    void put(long index, long commitLogOffset, int size, long tagsCode) {
        int at = slot(index);
        mapped.putLong(at, commitLogOffset);
        mapped.putLong(at + 12, tagsCode);
        mapped.putInt(at + 8, size);
    }

    void clear(long index) {
        int at = slot(index);
        mapped.putLong(at, 0L).putInt(at + 8, 0).putLong(at + 12, 0L);
    }

    long commitLogOffset(long index) {
        return mapped.getLong(slot(index));
    }

    int size(long index) {
        return mapped.getInt(slot(index) + 8);
    }

    long tagsCode(long index) {
        return mapped.getLong(slot(index) + 12);
    }

    private int slot(long index) {
        return (int) (index - startIndex) * ENTRY_SIZE;
    }

    void force() {
        mapped.force();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new LogIOException("close", file, -1, e);
        }
    }

    void delete() {
        unlink();
        release();
    }

    /** Removes the file's name; its blocks stay allocated, and reads of it valid, until {@link #release}. */
    void unlink() {
        Retirement.unlink(file);
    }

    /** Gives the file's blocks back (truncating it) and closes it: nothing of it may be read after this. */
    void release() {
        Retirement.giveBack(channel, file);
    }

    @Override
    public String toString() {
        return "QueueFile[" + file + "]";
    }
}
