package dev.halfmoon.log;

import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;

/**
 * Walks the records of the commit log frame by frame, from a frame boundary up to a limit,
 * jumping over blank fillers to the next segment. Trusts what it reads (it runs only below the
 * verified or written position); a frame it cannot parse is a broken invariant and throws.
 * Stateless; thread-safe.
 */
final class LogScanner {
    private final SegmentSet segments;

    LogScanner(SegmentSet segments) {
        this.segments = segments;
    }

    /**
     * Visits every record of the whole frames in [{@code from}, {@code limit}), stopping early once
     * at least {@code maxBytes} were covered.
     *
     * @param from a frame boundary (a position returned by this method, a checkpoint, or a segment start)
     * @return the frame boundary reached: where the next scan continues
     * @throws IllegalStateException if the bytes at a boundary are not a frame
     */
    long scan(long from, long limit, long maxBytes, RecordVisitor visitor) {
        long position = from;
        while (position < limit && position - from < maxBytes) {
            Segment segment = segments.find(position);
            if (segment == null) {
                throw new IllegalStateException("no commit-log segment holds offset " + position);
            }
            ByteBuffer view = segment.view();
            int at = (int) (position - segment.startOffset());
            int size = view.getInt(at);
            int magic = view.getInt(at + 4);
            if (magic == RecordLayout.BLANK_MAGIC) {
                position = segment.endOffset();
                continue;
            }
            if (magic != Frame.MAGIC || size < Frame.HEADER_SIZE || position + size > limit) {
                if (magic == Frame.MAGIC && position + size > limit) {
                    break;
                }
                throw new IllegalStateException("no frame at commit-log offset " + position + " in " + segment.file()
                        + " (size " + size + ", magic " + Integer.toHexString(magic) + ")");
            }
            visitFrame(view, at, size, segment.startOffset(), visitor);
            position += size;
        }
        return position;
    }

    private static void visitFrame(ByteBuffer view, int at, int size, long segmentStart, RecordVisitor visitor) {
        int count = view.getInt(at + 12);
        int record = at + Frame.HEADER_SIZE;
        for (int i = 0; i < count && record < at + size; i++) {
            RecordView rv = RecordView.at(view, record);
            visitor.visit(rv, segmentStart + record);
            record += rv.totalSize();
        }
    }
}
