package dev.halfmoon.log;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a background loop never breaks the files its turn is writing. */
class ServiceThreadTest {
    @TempDir
    Path dir;

    @Test
    void aTurnStillWritingAtCloseIsLeftToFinishAndItsFileStaysOpen() throws Exception {
        try (FileChannel channel = FileChannel.open(dir.resolve("segment"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicBoolean writing = new AtomicBoolean();
            AtomicBoolean interrupted = new AtomicBoolean();
            ServiceThread loop = new ServiceThread("stuck-writer", () -> {
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!release.get() && System.nanoTime() - until < 0) {
                    channel.write(ByteBuffer.wrap(new byte[4096]), 0);
                    writing.set(true);
                    interrupted.compareAndSet(false, Thread.currentThread().isInterrupted());
                    LockSupport.parkNanos(1_000_000);
                }
                return 0;
            }, new Signal(), 10).start();
            await().atMost(Duration.ofSeconds(10)).untilTrue(writing);

            loop.closeWithin(200);
            assertTrue(loop.isAlive(), "the stuck turn is still running after the wait");
            assertTrue(channel.isOpen(), "the file the turn writes was not closed under it by an interrupt");

            release.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> !loop.isAlive());
            assertFalse(interrupted.get(), "the turn was never interrupted");
            assertEquals(4096, channel.write(ByteBuffer.wrap(new byte[4096]), 4096), "the file is still writable");
        }
    }
}
