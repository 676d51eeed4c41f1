package dev.halfmoon.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The ordered, contiguous segments of the commit log. Segment {@code k+1} starts where segment
 * {@code k} ends; the last one is the active segment.
 *
 * <p>Thread-safe: the appender adds at the end, retention removes at the front, readers look
 * segments up by offset concurrently.
 */
final class SegmentSet implements AutoCloseable {
    private final Path dir;
    private final int segmentSize;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

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

    /** Creates and adds the segment that starts at {@code startOffset}. */
    Segment create(long startOffset) {
        Segment segment = Segment.create(dir, startOffset, segmentSize);
        segments.put(startOffset, segment);
        return segment;
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

    /** Removes and deletes the oldest segment. */
    void deleteFirst() {
        Map.Entry<Long, Segment> e = segments.pollFirstEntry();
        if (e != null) {
            e.getValue().delete();
        }
    }

    /** Removes and deletes every segment that starts at or after {@code offset} (recovery only). */
    void deleteFrom(long offset) {
        for (Segment s : new ArrayList<>(segments.tailMap(offset, true).values())) {
            segments.remove(s.startOffset());
            s.delete();
        }
    }

    @Override
    public void close() {
        for (Segment s : segments.values()) {
            s.close();
        }
    }
}
