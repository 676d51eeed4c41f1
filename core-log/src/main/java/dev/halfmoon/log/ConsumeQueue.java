package dev.halfmoon.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume queue of one topic queue: entry {@code i} locates the record with queue offset
 * {@code i} in the commit log. Entries live in {@link QueueFile}s; {@link #minOffset()} and
 * {@link #maxOffset()} bound the entries whose records are still in the log.
 *
 * <p>Threading: one writer, the dispatch thread (at recovery, the opening thread), which publishes
 * {@code maxOffset} after writing an entry; the retention thread moves {@code minOffset} and
 * deletes old files; any thread reads entries in [min, max).
 *
 * <p>Crash behaviour: files are forced before a checkpoint records the queue's end; recovery cuts
 * entries that point past the recovered log and re-dispatches the rest from the checkpoint.
 */
final class ConsumeQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueue.class);
    private final TopicQueue id;
    private final Path dir;
    private final int entriesPerFile;
    private final ConcurrentSkipListMap<Long, QueueFile> files = new ConcurrentSkipListMap<>();
    /** Its topic was deleted: its files are unlinked, given back by the caller; retention no longer trims it. */
    private boolean dropped;
    private volatile long minOffset;
    private volatile long maxOffset;
    private long flushedOffset;

    private ConsumeQueue(TopicQueue id, Path dir, int entriesPerFile) {
        this.id = id;
        this.dir = dir;
        this.entriesPerFile = entriesPerFile;
    }

    /** A new, empty queue; its directory is made with the first entry. */
    static ConsumeQueue create(TopicQueue id, Path dir, int entriesPerFile) {
        return new ConsumeQueue(id, dir, entriesPerFile);
    }

    /**
     * Opens the queue's files and finds its end by reading forward from {@code endHint} (the end the
     * last checkpoint recorded) to the first empty slot.
     *
     * @return the queue; {@link #wasBehind()} tells if entries below the hint were missing
     */
    static Opened open(TopicQueue id, Path dir, int entriesPerFile, long endHint) {
        ConsumeQueue queue = new ConsumeQueue(id, dir, entriesPerFile);
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> files = list.sorted().toList();
            for (Path file : files) {
                if (file.getFileName().toString().endsWith(QueueFile.CREATING)) {
                    LOG.info("deleting {}, a consume-queue file whose creation a crash interrupted", file);
                    Files.delete(file);
                    continue;
                }
                if (file.equals(files.get(files.size() - 1)) && QueueFile.isShortAndEmpty(file, entriesPerFile)) {
                    LOG.warn("deleting {}, a consume-queue file a power loss left short and empty; its entries are "
                            + "rebuilt from the log", file);
                    Files.delete(file);
                    continue;
                }
                long start = Long.parseLong(file.getFileName().toString());
                queue.files.put(start, QueueFile.open(file, start, entriesPerFile));
            }
        } catch (IOException e) {
            throw new LogIOException("list consume queue", dir, -1, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("unexpected file in consume-queue directory " + dir, e);
        }
        if (queue.files.isEmpty()) {
            return new Opened(queue, endHint > 0, 0);
        }
        long first = queue.files.firstKey();
        long from = Math.max(first, endHint);
        boolean behind = endHint > first && queue.sizeAt(endHint - 1) == 0;
        long start = behind ? queue.firstEntry(first) : first;
        long end = queue.scanEnd(behind ? start : from);
        queue.minOffset = first;
        queue.maxOffset = end;
        queue.flushedOffset = end;
        // the log is replayed from this queue's last entry that survived (entries after it follow it in the log)
        long replayFrom = !behind ? Long.MAX_VALUE : end > start ? queue.commitLogOffset(end - 1) : 0;
        return new Opened(queue, behind, replayFrom);
    }

    /**
     * A queue just opened, whether it held fewer entries than its checkpoint said, and if so the commit-log offset
     * from which a replay of the log rebuilds it (0: all of the log; {@code Long.MAX_VALUE} when not behind).
     */
    record Opened(ConsumeQueue queue, boolean wasBehind, long replayFrom) {
    }

    /** The first entry at or after {@code from} in its file (a queue rebuilt from the middle of a file), or {@code from}. */
    private long firstEntry(long from) {
        QueueFile file = fileFor(from);
        for (long index = from; file != null && index < file.endIndex(); index++) {
            if (file.size(index) != 0) {
                return index;
            }
        }
        return from;
    }

    private long scanEnd(long from) {
        long index = from;
        while (sizeAt(index) != 0) {
            index++;
        }
        return index;
    }

    private int sizeAt(long index) {
        QueueFile file = fileFor(index);
        return file == null ? 0 : file.size(index);
    }

    TopicQueue id() {
        return id;
    }

    long minOffset() {
        return minOffset;
    }

    /** One past the last entry: the queue offset the next record of this queue gets. */
    long maxOffset() {
        return maxOffset;
    }

    private QueueFile fileFor(long index) {
        Map.Entry<Long, QueueFile> e = files.floorEntry(index);
        return e != null && index < e.getValue().endIndex() ? e.getValue() : null;
    }

    /**
     * Writes the entry for {@code queueOffset}. Overwriting an existing entry (a replay) is allowed;
     * skipping ahead is not.
     *
     * <p>A queue with no file at all takes its first entry at any offset: its files were lost (deleted by hand, or
     * never made durable) and the records of it still in the log rebuild it from the first one; otherwise the queue
     * offsets of new records would start again at 0 below those of the records still held.
     *
     * @return false if {@code queueOffset} is beyond the end (entries are missing in between)
     */
    boolean put(long queueOffset, long commitLogOffset, int size, long tagsCode) {
        if (queueOffset > maxOffset) {
            if (!files.isEmpty()) {
                return false;
            }
            LOG.warn("consume queue {} has no file; rebuilt from the log from queue offset {} on (entries below it left "
                    + "with the log's deleted segments)", id, queueOffset);
            minOffset = queueOffset;
            maxOffset = queueOffset;
            flushedOffset = queueOffset;
        }
        QueueFile file = fileFor(queueOffset);
        if (file == null) {
            long start = queueOffset - queueOffset % entriesPerFile;
            file = QueueFile.create(dir, start, entriesPerFile);
            files.put(start, file);
        }
        file.put(queueOffset, commitLogOffset, size, tagsCode);
        if (queueOffset == maxOffset) {
            maxOffset = queueOffset + 1;
        }
        return true;
    }

    /**
     * The commit-log offset of the entry at {@code queueOffset}; -1 (below any log's start: expired) if retention
     * removed its file since the caller read the minimum.
     */
    long commitLogOffset(long queueOffset) {
        QueueFile file = fileFor(queueOffset);
        return file == null ? -1 : file.commitLogOffset(queueOffset);
    }

    int size(long queueOffset) {
        QueueFile file = fileFor(queueOffset);
        return file == null ? 0 : file.size(queueOffset);
    }

    long tagsCode(long queueOffset) {
        QueueFile file = fileFor(queueOffset);
        return file == null ? 0 : file.tagsCode(queueOffset);
    }

    /** Recovery: removes every entry whose record ends past {@code logEnd}. */
    void truncateAbove(long logEnd) {
        long end = maxOffset;
        while (end > minOffset && commitLogOffset(end - 1) + size(end - 1) > logEnd) {
            fileFor(end - 1).clear(end - 1);
            end--;
        }
        if (end != maxOffset) {
            maxOffset = end;
            flushedOffset = Math.min(flushedOffset, end);
            force();
        }
    }

    /**
     * Retention: moves the minimum past entries whose records are below {@code logMinOffset} and
     * deletes the names of files holding only such entries (the newest file always stays, so the end
     * survives). A reader may still be reading one: the caller releases them later.
     *
     * @return the files removed, not yet {@link QueueFile#release released}
     */
    synchronized List<QueueFile> trimBelow(long logMinOffset) {
        if (dropped) {
            return List.of();
        }
        long low = minOffset;
        long high = maxOffset;
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (commitLogOffset(mid) < logMinOffset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        minOffset = low;
        List<Long> doomed = new ArrayList<>();
        for (QueueFile f : files.values()) {
            if (f.endIndex() <= low && f != files.lastEntry().getValue()) {
                doomed.add(f.startIndex());
            }
        }
        List<QueueFile> removed = new ArrayList<>(doomed.size());
        for (Long start : doomed) {
            QueueFile f = files.remove(start);
            f.unlink();
            removed.add(f);
        }
        return removed;
    }

    /**
     * A dropped queue (its topic deleted, the queue out of every lookup): removes the names of all its files; their
     * entries stay readable until the caller releases them, later. Retention leaves it alone from then on.
     *
     * @return the files removed, not yet {@link QueueFile#release released}
     */
    synchronized List<QueueFile> unlinkAll() {
        dropped = true; // (its entries stay readable: a reader that found it before the drop finishes on them)
        List<QueueFile> removed = new ArrayList<>(files.values());
        for (QueueFile f : removed) {
            try {
                f.unlink();
            } catch (LogIOException e) { // (its entries are older than the drop: removed at the next open)
                LOG.warn("consume queue {}: could not delete {} of the dropped queue: {}", id, f, e.getMessage());
            }
        }
        return removed;
    }

    /**
     * The first queue offset whose record was stored at or after {@code timestampMs}, or
     * {@link #maxOffset()} if none was.
     *
     * @param storeTime store timestamp of the record at a commit-log offset, or -1 if unreadable
     */
    long offsetByTime(long timestampMs, LongUnaryOperator storeTime) {
        long low = minOffset;
        long high = maxOffset;
        while (low < high) {
            long mid = (low + high) >>> 1;
            long time = storeTime.applyAsLong(commitLogOffset(mid));
            if (time < timestampMs) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Forces entries written since the last force. Dispatch or checkpoint thread. */
    synchronized void force() {
        long end = maxOffset;
        if (end == flushedOffset) {
            return;
        }
        for (QueueFile f : files.subMap(Math.max(0, flushedOffset - entriesPerFile), true, end, true).values()) {
            f.force();
        }
        flushedOffset = end;
    }

    void close() {
        for (QueueFile f : files.values()) {
            f.close();
        }
    }
}
