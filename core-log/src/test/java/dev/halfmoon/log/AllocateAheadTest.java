package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allocator keeps commit-log space allocated ahead of the writer, so an append only copies
 * bytes (no zero-filling write of its own), across a segment roll too.
 */
class AllocateAheadTest {
    private static final int SEGMENT = 64 << 20;

    @TempDir
    Path dir;

    private static void allocateUntilDone(CommitLog log) {
        for (int step = 0; step < 1_000 && log.allocateAhead() > 0; step++) {
            // one bounded step per turn, as the allocator thread does
        }
        assertEquals(0, log.allocateAhead(), "the allocator has nothing left to do");
    }

    @Test
    void appendsFindTheirSpaceAllocatedAndWakeTheAllocatorWhenItRunsLow() {
        Signal allocate = new Signal();
        try (SegmentSet segments = SegmentSet.open(dir, SEGMENT)) {
            CommitLog log = new CommitLog(segments, 0, Clock.systemUTC(), DispatchFilter.ALL, new StoreHealth(), null,
                    new Signal(), allocate, q -> 0);
            log.open();
            assertTrue(log.append(record("t", 0, "first")).join().ok());
            Segment active = segments.last();
            assertTrue(active.allocated() < CommitLog.ALLOCATE_AHEAD, "the first append allocates only a small chunk");

            allocateUntilDone(log);
            awaitRaised(allocate); // clears what the first append raised
            int ahead = active.allocated();
            assertEquals(log.writtenOffset() + CommitLog.ALLOCATE_AHEAD, ahead);

            String body = "x".repeat(4000);
            while (log.writtenOffset() + 5_000 < ahead) {
                assertTrue(log.append(record("t", 0, body)).join().ok());
                assertEquals(ahead, active.allocated(), "an append within allocated space allocates nothing");
            }
            assertTrue(awaitRaised(allocate), "an append that leaves less than half the distance ahead wakes the allocator");
        }
    }

    @Test
    void spaceIsAllocatedAheadInEachNewSegmentUpToItsEnd() {
        try (SegmentSet segments = SegmentSet.open(dir, 1 << 20)) {
            CommitLog log = new CommitLog(segments, 0, Clock.systemUTC(), DispatchFilter.ALL, new StoreHealth(), null,
                    new Signal(), new Signal(), q -> 0);
            log.open();
            String body = "y".repeat(10_000);
            for (int i = 0; i < 300; i++) {
                assertTrue(log.append(record("t", 0, body)).join().ok());
                allocateUntilDone(log);
                assertEquals(1 << 20, segments.last().allocated(), "a 1 MiB segment is allocated to its end");
            }
            assertTrue(segments.snapshot().size() > 2);
        }
    }

    /** True if {@code signal} was raised (the wait ended early); clears it. */
    private static boolean awaitRaised(Signal signal) {
        long start = System.nanoTime();
        try {
            signal.await(1_000_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return System.nanoTime() - start < 500_000_000L;
    }
}
