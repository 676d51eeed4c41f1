package dev.halfmoon.log;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs file-channel work so that the calling thread's interrupt cannot fail it. A
 * {@link java.nio.channels.FileChannel} closes itself when a thread with its interrupt status set is in, or enters,
 * one of its operations; the store's files are written by whatever thread appends (a network thread, a worker of a
 * pool being shut down, an embedding application's thread that was cancelled), and one stray interrupt must not fail
 * an append or close a segment for good. The interrupt status is cleared while the work runs and set again after;
 * work whose channel an interrupt closed meanwhile (of this thread, or of another thread using the same channel) is
 * run again, from the start, a bounded number of times, so it must be repeatable (open a file again, reopen a
 * channel and write the same bytes at the same position again).
 */
final class Uninterruptible {
    private static final int ATTEMPTS = 10;

    @FunctionalInterface
    interface IoWork<T> {
        T run() throws IOException;
    }

    private Uninterruptible() {
    }

    static <T> T run(IoWork<T> work) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return work.run();
                } catch (ClosedChannelException e) { // (an interrupt, of this thread or another, closed the channel)
                    interrupted |= Thread.interrupted();
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes the entries of {@code dir} (files created, renamed or deleted in it) durable, as an fsync of it does. */
    static void syncDirectory(Path dir) throws IOException {
        run(() -> {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
            return null;
        });
    }
}
