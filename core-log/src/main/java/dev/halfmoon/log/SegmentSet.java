package dev.halfmoon.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, contiguous segments of the commit log. Segment {@code k+1} starts where segment
 * {@code k} ends; the last one is the active segment.
 *
 * <p>Thread-safe: the appender adds at the end, retention removes at the front, readers look
 * segments up by offset concurrently, and the allocator {@link #prepareNext prepares} the file of
 * the next segment before the appender needs it, so a roll does not create, size and map a file
 * while holding the append lock. A prepared file is not part of the set until the roll; if the
 * broker dies first, the next start finds it after the end of the log and recovery removes it.
 */
final class SegmentSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSet.class);
    private final Path dir;
    private final int segmentSize;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /**
     * The newest segment (null when none), set after each change of {@link #segments}: most look-ups are for the
     * active segment, and {@code floorEntry} allocates an entry and a boxed key for each, many times per message.
     */
    private volatile Segment newest;
    private final Object nextLock = new Object();
    /** The file of the segment after the active one, created ahead of the roll; guarded by nextLock. */
    private Segment prepared;
    /** Deleted segments whose blocks are not given back yet. */
    private final Retirement<Segment> retired = new Retirement<>(Segment::release);
    /** Set by {@link #close}: a late allocator turn prepares nothing more. Guarded by nextLock. */
    private boolean closed;

    private SegmentSet(Path dir, int segmentSize) {
        this.dir = dir;
        this.segmentSize = segmentSize;
    }

    /**
     * Opens every segment in {@code dir} (creating the directory if needed).
     *
     * @throws LogIOException        if the directory cannot be read
     * @throws IllegalStateException if a file name is not a segment offset, an offset is not a multiple
     *                               of the segment size, or a segment is missing between two others
     */
    static SegmentSet open(Path dir, int segmentSize) {
        SegmentSet set = new SegmentSet(dir, segmentSize);
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } catch (IOException e) {
            throw new LogIOException("list commit log", dir, -1, e);
        }
        try {
            long expected = -1;
            for (Path file : files) {
                long start = parseStart(file);
                if (start % segmentSize != 0) {
                    throw new IllegalStateException("commit-log segment " + file + " does not start at a multiple of "
                            + segmentSize + " bytes: mappedFileSizeCommitLog must not change on a store that has data");
                }
                if (expected >= 0 && start != expected) {
                    throw new IllegalStateException("commit-log segment missing: expected one starting at " + expected
                            + " before " + file);
                }
                set.segments.put(start, Segment.open(file, start, segmentSize));
                set.newest = set.last();
                expected = start + segmentSize;
            }
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
        return set;
    }

    private static long parseStart(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 20 || !name.chars().allMatch(Character::isDigit)) {
            throw new IllegalStateException("unexpected file in the commit-log directory: " + file);
        }
        return Long.parseLong(name);
    }

    int segmentSize() {
        return segmentSize;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The segment holding {@code offset}, or null. */
    Segment find(long offset) {
        Segment active = newest;
        if (active != null && active.contains(offset)) {
            return active;
        }
        Map.Entry<Long, Segment> e = segments.floorEntry(offset);
        return e != null && e.getValue().contains(offset) ? e.getValue() : null;
    }

    /** The oldest segment, or null. */
    Segment first() {
        Map.Entry<Long, Segment> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    /** The active (newest) segment, or null. */
    Segment last() {
        Map.Entry<Long, Segment> e = segments.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** The segment after {@code segment}, or null. */
    Segment next(Segment segment) {
        return segments.get(segment.endOffset());
    }

    /**
     * Adds the segment that starts at {@code startOffset}: the {@link #prepareNext prepared} one when
     * it is that one, else a file created now.
     */
    Segment create(long startOffset) {
        Segment segment;
        synchronized (nextLock) {
            if (prepared != null && prepared.startOffset() == startOffset) {
                segment = prepared;
            } else {
                discardPrepared();
                segment = Segment.create(dir, startOffset, segmentSize);
                // (the allocator fell behind, or this is the first segment: a SYNC acknowledgement of a record in
                // it must not outlive a power loss that forgets the file's name)
                try {
                    syncDirectory();
                } catch (LogIOException e) {
                    try {
                        segment.delete(); // or every later roll would fail on "file exists"
                    } catch (LogIOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
            }
            prepared = null;
            segments.put(startOffset, segment); // under the lock: the allocator sees it taken, never missing
            newest = last();
        }
        return segment;
    }

    /**
     * Creates the file of the segment that will follow the active one, if not done yet: allocates
     * its first {@code head} bytes and makes its directory entry durable, both before the appender
     * can take it. Allocator thread.
     *
     * @return whether a segment was prepared now (false: there is none to prepare, or it is ready)
     * @throws LogIOException if the file cannot be created or allocated (a full disk)
     */
    boolean prepareNext(int head) {
        Segment last = last();
        if (last == null) {
            return false;
        }
        long start = last.endOffset();
        synchronized (nextLock) {
            if (closed || prepared != null && prepared.startOffset() == start || segments.containsKey(start)) {
                return false; // ready, or the appender rolled meanwhile and the next turn prepares the one after
            }
            discardPrepared();
            Segment next = Segment.create(dir, start, segmentSize);
            try {
                while (next.allocateAhead(0, head) > 0) {
                    // bounded: head bytes in steps
                }
                syncDirectory();
            } catch (LogIOException e) {
                next.delete();
                throw e;
            }
            prepared = next;
            return true;
        }
    }

    /** Deletes an unused prepared segment (it holds nothing; a later start would only remove it). Under nextLock. */
    private void discardPrepared() {
        if (prepared == null) {
            return;
        }
        try {
            prepared.delete();
        } catch (LogIOException e) {
            LOG.warn("could not delete the unused prepared segment {}: {}", prepared.file(), e.getMessage());
        }
        prepared = null;
    }

    /** The segment prepared to follow the active one, or null. */
    Segment prepared() {
        synchronized (nextLock) {
            return prepared;
        }
    }

    private void syncDirectory() {
        try {
            Uninterruptible.syncDirectory(dir);
        } catch (IOException e) {
            throw new LogIOException("sync directory", dir, -1, e);
        }
    }

    /** Offset of the first byte still held, or {@code fallback} when there is no segment. */
    long minOffset(long fallback) {
        Segment first = first();
        return first == null ? fallback : first.startOffset();
    }

    /** Every segment, oldest first, at this moment. */
    List<Segment> snapshot() {
        return new ArrayList<>(segments.values());
    }

    /**
     * Removes the oldest segment and deletes its file. Readers may still hold slices of it, so its blocks
     * are given back later, by {@link #releaseRetired}.
     */
    void deleteFirst() {
        Map.Entry<Long, Segment> e = segments.pollFirstEntry();
        newest = last();
        if (e != null) {
            e.getValue().unlink();
            retired.retire(e.getValue(), e.getValue().size());
        }
    }

    /** Gives back the blocks of segments deleted at least {@code graceNanos} ago; returns how many. */
    int releaseRetired(long graceNanos) {
        return retired.releaseOlderThan(graceNanos);
    }

    /** Bytes of deleted segments whose blocks are not given back yet (they will be within the grace period). */
    long retiredBytes() {
        return retired.bytes();
    }

    /** Removes and deletes every segment that starts at or after {@code offset} (recovery only). */
    void deleteFrom(long offset) {
        // newest first: a crash part way through leaves a shorter log, never one with a gap the next start refuses
        for (Segment s : new ArrayList<>(segments.tailMap(offset, true).descendingMap().values())) {
            segments.remove(s.startOffset());
            newest = last();
            s.delete();
        }
    }

    @Override
    public void close() {
        synchronized (nextLock) {
            closed = true;
            discardPrepared();
        }
        for (Segment s : segments.values()) {
            s.close();
        }
        retired.closeAll(Segment::close);
    }
}
