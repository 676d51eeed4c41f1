package dev.halfmoon.log;

import static dev.halfmoon.log.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    @Test
    void theNextSegmentIsPreparedAheadSoTheRollCreatesNoFile() throws Exception {
        int size = 4 << 20;
        try (SegmentSet segments = SegmentSet.open(dir, size)) {
            CommitLog log = new CommitLog(segments, 0, Clock.systemUTC(), DispatchFilter.ALL, new StoreHealth(), null,
                    new Signal(), new Signal(), q -> 0);
            log.open();
            assertTrue(log.append(record("t", 0, "first")).join().ok());
            allocateUntilDone(log);
            Segment first = segments.last();
            Segment prepared = segments.prepared();
            assertEquals(size, prepared.startOffset());
            assertEquals(CommitLog.NEXT_SEGMENT_HEAD, prepared.allocated(), "the next segment's head is allocated");
            assertEquals(2, fileCount(), "its file exists before the roll");
            assertEquals(first, segments.last(), "but it is not part of the log yet");

            String body = "z".repeat(10_000);
            while (segments.last() == first) {
                assertTrue(log.append(record("t", 0, body)).join().ok());
            }
            assertSame(prepared, segments.last(), "the roll took the prepared segment");
            assertEquals(2, fileCount());
            allocateUntilDone(log);
            assertEquals(3, fileCount(), "and the allocator prepared the one after");
        }
        assertEquals(2, fileCount(), "a clean close removes the unused prepared file");
    }

    @Test
    void aPreparedFileLeftByACrashIsRemovedAtRecoveryAndTheLogIsWhole() throws Exception {
        long end;
        SegmentSet crashed = SegmentSet.open(dir, 4 << 20);
        CommitLog log = new CommitLog(crashed, 0, Clock.systemUTC(), DispatchFilter.ALL, new StoreHealth(), null,
                new Signal(), new Signal(), q -> 0);
        log.open();
        for (int i = 0; i < 10; i++) {
            assertTrue(log.append(record("t", 0, "before the crash " + i)).join().ok());
        }
        allocateUntilDone(log);
        end = log.writtenOffset();
        assertEquals(2, fileCount(), "the active segment and the prepared next one");
        // no close: the process dies with the prepared file on disk

        try (SegmentSet reopened = SegmentSet.open(dir, 4 << 20)) {
            assertEquals(end, CommitLogRecovery.recover(reopened, 0, false, true));
            assertEquals(1, fileCount(), "the prepared, never written file is gone");
            assertEquals(0, reopened.last().startOffset());
        }
    }

    private long fileCount() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.count();
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
