package dev.halfmoon.log;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mapped files deleted while readers may still hold views of them. A deleted file is {@link #unlink unlinked}
 * at once and its blocks {@link #giveBack given back} (truncated) only after a grace period: an unlinked
 * file's blocks are otherwise freed with its last mapping, which for a mapping old enough to sit in the old
 * generation may wait for a full GC, and a disk stays full after retention. Thread-safe.
 *
 * @param <T> what is retired (a segment, a consume-queue file)
 */
final class Retirement<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Retirement.class);

    private record Entry<T>(T item, long bytes, long atNanos) {
    }

    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
    private final Consumer<T> release;
    private long bytes;

    /** @param release gives an item's blocks back and closes it (may throw {@link LogIOException}) */
    Retirement(Consumer<T> release) {
        this.release = release;
    }

    /** {@code item}, already unlinked, holds {@code size} bytes until it is released. */
    synchronized void retire(T item, long size) {
        entries.addLast(new Entry<>(item, size, System.nanoTime()));
        bytes += size;
    }

    /** Releases what was retired at least {@code graceNanos} ago, oldest first; returns how many. */
    int releaseOlderThan(long graceNanos) {
        int released = 0;
        long now = System.nanoTime();
        while (true) {
            Entry<T> e;
            synchronized (this) {
                e = entries.peekFirst();
                if (e == null || now - e.atNanos() < graceNanos) {
                    return released;
                }
                entries.pollFirst();
                bytes -= e.bytes();
            }
            try { // outside the lock: a truncate may take a while
                release.accept(e.item());
                released++;
            } catch (LogIOException x) {
                LOG.warn("could not give back the space of the deleted {}: {}", e.item(), x.getMessage());
            }
        }
    }

    /** Bytes retired and not yet released (free within the grace period). */
    synchronized long bytes() {
        return bytes;
    }

    /** At close: closes what is left without truncating (readers may be finishing; the blocks go with the process). */
    synchronized void closeAll(Consumer<T> close) {
        entries.forEach(e -> close.accept(e.item()));
        entries.clear();
        bytes = 0;
    }

    /** Removes {@code file}'s name; its blocks stay allocated, and its mapping readable, until {@link #giveBack}. */
    static void unlink(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LogIOException("delete", file, -1, e);
        }
    }

    /** Truncates {@code file} to nothing through its open {@code channel}, giving its blocks back, and closes it. */
    static void giveBack(FileChannel channel, Path file) {
        try (channel) {
            Uninterruptible.run(() -> channel.truncate(0));
        } catch (ClosedChannelException e) {
            // an interrupt closed it (it cannot be reopened: its name may be gone); the blocks go with its mapping
        } catch (IOException e) {
            throw new LogIOException("release", file, 0, e);
        }
    }
}
