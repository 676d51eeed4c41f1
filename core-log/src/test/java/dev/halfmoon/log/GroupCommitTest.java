package dev.halfmoon.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SYNC_FLUSH waiters after an fsync failure: no acknowledgement once flushing has failed. */
@Timeout(10)
class GroupCommitTest {
    @Test
    void afterAFailedFlushEveryWaiterNowAndLaterLearnsItsBytesAreNotDurable() {
        GroupCommit waiters = new GroupCommit();
        CompletableFuture<Boolean> before = waiters.register(100, true);
        waiters.failAll();
        assertFalse(before.join());

        // an appender that passed the store's health check just before the failure registers after it
        CompletableFuture<Boolean> after = waiters.register(200, true);
        waiters.completeUpTo(300);
        assertTrue(after.isDone());
        assertFalse(after.join(), "never acknowledged, whatever a later flush reports");
    }
}
