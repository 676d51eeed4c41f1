package dev.halfmoon.log;

import dev.halfmoon.message.RecordView;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Reads consume queues and resolves their entries to views of the commit log. Stateless apart
 * from its references; thread-safe.
 */
final class QueueReader {
    /** Entries looked at per read at most, matched or not (RocketMQ's maxFilterMessageCount). */
    private static final int MAX_ENTRIES_SCANNED = 16_000;

    private final ConsumeQueues queues;
    private final LogReads log;
    private final StoreHealth health;

    QueueReader(ConsumeQueues queues, LogReads log, StoreHealth health) {
        this.queues = queues;
        this.log = log;
        this.health = health;
    }

    QueueReadResult read(TopicQueue id, long from, int maxRecords, int maxBytes, LongPredicate tagFilter) {
        ConsumeQueue queue = queues.find(id);
        if (queue == null || queue.maxOffset() == 0) {
            return new QueueReadResult(ReadStatus.NO_MESSAGE_IN_QUEUE, List.of(), 0, 0, 0);
        }
        long min = queue.minOffset();
        long max = queue.maxOffset();
        if (from < min) {
            return new QueueReadResult(ReadStatus.OFFSET_TOO_SMALL, List.of(), min, min, max);
        }
        if (from == max) {
            return new QueueReadResult(ReadStatus.OFFSET_OVERFLOW_ONE, List.of(), from, min, max);
        }
        if (from > max) {
            return new QueueReadResult(ReadStatus.OFFSET_OVERFLOW_BADLY, List.of(), max, min, max);
        }
        return scan(queue, from, max, maxRecords, maxBytes, tagFilter);
    }

    private QueueReadResult scan(ConsumeQueue queue, long from, long max, int maxRecords, int maxBytes,
                                 LongPredicate tagFilter) {
        List<StoredRecord> found = new ArrayList<>(Math.min(maxRecords, 32));
        long logMin = log.minOffset();
        long next = from;
        int bytes = 0;
        boolean expired = false;
        long corruptAt = -1;
        long end = Math.min(max, from + MAX_ENTRIES_SCANNED);
        for (long offset = from; offset < end && found.size() < maxRecords; offset++) {
            long commitLogOffset = queue.commitLogOffset(offset);
            int size = queue.size(offset);
            long tagsCode = queue.tagsCode(offset);
            if (commitLogOffset < logMin) {
                expired = true;
                next = offset + 1;
                continue;
            }
            if (tagFilter != null && !tagFilter.test(tagsCode)) {
                next = offset + 1;
                continue;
            }
            if (!found.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            ByteBuffer record = log.slice(commitLogOffset, size);
            if (record == null) {
                break;
            }
            if (!health.intact(log.damage(commitLogOffset, record), commitLogOffset, queue.id(), offset)) {
                corruptAt = commitLogOffset;
                break;
            }
            found.add(new StoredRecord(offset, commitLogOffset, tagsCode, record));
            bytes += size;
            next = offset + 1;
        }
        ReadStatus status = !found.isEmpty() ? ReadStatus.FOUND : corruptAt >= 0 ? ReadStatus.CORRUPT_RECORD
                : expired ? ReadStatus.OFFSET_FOUND_NULL : ReadStatus.NO_MATCHED_MESSAGE;
        return new QueueReadResult(status, found, next, queue.minOffset(), max, corruptAt);
    }

    /**
     * Whether an entry of queue {@code id} in [{@code from}, {@code to}) has a tags code {@code filter} accepts, from the
     * consume queue alone (no record is read); true without looking when that is more than a scan's worth of entries.
     */
    boolean anyTagMatch(TopicQueue id, long from, long to, LongPredicate filter) {
        ConsumeQueue queue = queues.find(id);
        if (queue == null) {
            return false;
        }
        long end = Math.min(to, queue.maxOffset());
        long start = Math.max(from, queue.minOffset());
        if (end - start > MAX_ENTRIES_SCANNED) {
            return true;
        }
        for (long offset = start; offset < end; offset++) {
            if (filter.test(queue.tagsCode(offset))) {
                return true;
            }
        }
        return false;
    }

    /** Up to {@code count} entries of queue {@code id} from {@code from}, as stored; none outside [min, max). */
    List<QueueEntry> entries(TopicQueue id, long from, int count) {
        ConsumeQueue queue = queues.find(id);
        if (queue == null || from < queue.minOffset()) {
            return List.of();
        }
        long end = Math.min(queue.maxOffset(), from + Math.max(0, Math.min(count, MAX_ENTRIES_SCANNED)));
        List<QueueEntry> entries = new ArrayList<>();
        for (long offset = from; offset < end; offset++) {
            entries.add(new QueueEntry(offset, queue.commitLogOffset(offset), queue.size(offset), queue.tagsCode(offset)));
        }
        return entries;
    }

    long minOffset(TopicQueue id) {
        ConsumeQueue q = queues.find(id);
        return q == null ? 0 : q.minOffset();
    }

    long maxOffset(TopicQueue id) {
        ConsumeQueue q = queues.find(id);
        return q == null ? 0 : q.maxOffset();
    }

    long offsetByTime(TopicQueue id, long timestampMs) {
        ConsumeQueue q = queues.find(id);
        if (q == null) {
            return 0;
        }
        return q.offsetByTime(timestampMs, this::storeTimeAt);
    }

    private long storeTimeAt(long commitLogOffset) {
        ByteBuffer record = log.readRecord(commitLogOffset);
        return record == null ? -1 : RecordView.of(record).storeTimestamp();
    }
}
