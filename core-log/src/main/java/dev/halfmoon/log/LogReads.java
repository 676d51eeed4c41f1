package dev.halfmoon.log;

import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;

/**
 * Reads of the commit log: records by offset, consume-queue entries' byte ranges, and the check of a record
 * about to be served. Lock-free below the commit log's published write position; never writes. Thread-safe.
 */
final class LogReads {
    private final SegmentSet segments;
    private final CommitLog log;

    LogReads(SegmentSet segments, CommitLog log) {
        this.segments = segments;
        this.log = log;
    }

    /** Offset of the first byte still held. */
    long minOffset() {
        return log.minOffset();
    }

    /**
     * The record at {@code commitLogOffset}, as a read-only view, or null if no record starts there
     * (deleted by retention, beyond the end, or not a record boundary).
     */
    ByteBuffer readRecord(long commitLogOffset) {
        long written = log.writtenOffset();
        Segment segment = segments.find(commitLogOffset);
        if (segment == null || commitLogOffset + RecordLayout.FIXED_SIZE_V4 > written
                || commitLogOffset + RecordLayout.FIXED_SIZE_V4 > segment.endOffset()) {
            return null; // (the second: an offset from a client, too near a segment's end for a record to start)
        }
        int position = (int) (commitLogOffset - segment.startOffset());
        ByteBuffer view = segment.sharedView();
        int size = view.getInt(position);
        if (view.getInt(position + RecordLayout.MAGIC_POSITION) != RecordLayout.MESSAGE_MAGIC
                || size < RecordLayout.FIXED_SIZE_V4 || position + (long) size > segment.size()
                || commitLogOffset + size > written
                || view.getLong(position + RecordLayout.PHYSICAL_OFFSET_POSITION) != commitLogOffset) {
            return null;
        }
        return segment.slice(position, size);
    }

    /**
     * {@code size} bytes at {@code commitLogOffset} as a read-only view, or null if they are not all
     * held (deleted or not yet written). Used for consume-queue entries, which are trusted.
     */
    ByteBuffer slice(long commitLogOffset, int size) {
        Segment segment = segments.find(commitLogOffset);
        if (segment == null || commitLogOffset + size > log.writtenOffset()
                || commitLogOffset + size > segment.endOffset()) {
            return null;
        }
        return segment.slice((int) (commitLogOffset - segment.startOffset()), size);
    }

    /**
     * What is wrong with {@code record}, the view of the record at {@code commitLogOffset}, or null if it is
     * whole. A record that is the first of its frame (every single send, every committed transactional message) is
     * checked against the frame's CRC32C, which covers each of its bytes: header, topic, properties and body. A
     * later record of a batch has its frame's header elsewhere and gets RocketMQ's own checks (magic, lengths, body
     * CRC).
     */
    String damage(long commitLogOffset, ByteBuffer record) {
        RecordView.Check check;
        Segment segment = segments.find(commitLogOffset);
        int position = segment == null ? -1 : (int) (commitLogOffset - segment.startOffset());
        ByteBuffer view = segment == null ? null : segment.sharedView();
        if (view != null && Frame.heads(view, position, record.remaining())) {
            if (!Frame.crcMatches(view, position - Frame.HEADER_SIZE)) {
                return "frame checksum does not match";
            }
            check = RecordView.of(record).check(false);
        } else {
            check = RecordView.of(record).check(true);
        }
        return check == RecordView.Check.OK ? null : check.toString();
    }
}
