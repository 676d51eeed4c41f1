package dev.halfmoon.log;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where the commit log really ends after a stop, clean or not: verifies frame after frame
 * from the last checkpoint (every record's length, magic and body CRC, and the frame checksum), cuts
 * the first torn, corrupt or garbage frame and everything after it, and zero-fills the cut so no old
 * bytes can be mistaken for records later. Runs on the opening thread before anything else touches
 * the segments.
 */
final class CommitLogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLogRecovery.class);

    private CommitLogRecovery() {
    }

    /**
     * @param checkpointOffset a frame boundary known to be on disk (0 without a checkpoint)
     * @return the offset where the next frame goes
     */
    static long recover(SegmentSet segments, long checkpointOffset, boolean checkBodyCrc) {
        if (segments.isEmpty()) {
            return 0;
        }
        long start = segments.find(checkpointOffset) != null ? checkpointOffset : segments.first().startOffset();
        if (checkpointOffset == segments.last().endOffset()) {
            return checkpointOffset;
        }
        long position = start;
        Frame.Check check = Frame.Check.EMPTY;
        Segment segment = segments.find(position);
        while (segment != null) {
            ByteBuffer view = segment.view();
            int at = (int) (position - segment.startOffset());
            check = Frame.check(view, at, checkBodyCrc);
            if (check == Frame.Check.FRAME) {
                position += view.getInt(at);
            } else if (check == Frame.Check.BLANK) {
                position = segment.endOffset();
                Segment next = segments.next(segment);
                if (next == null) {
                    return position;
                }
                segment = next;
            } else {
                break;
            }
        }
        cut(segments, segment, position, check);
        LOG.info("commit log recovered: verified {} bytes from offset {}, ends at {}", position - start, start, position);
        return position;
    }

    private static void cut(SegmentSet segments, Segment segment, long position, Frame.Check check) {
        int at = (int) (position - segment.startOffset());
        if (check == Frame.Check.CORRUPT) {
            LOG.warn("commit log: torn or corrupt data at offset {} in {}; cutting it and everything after",
                    position, segment.file());
        }
        segment.zeroFrom(at);
        long later = segment.endOffset();
        if (segments.last().endOffset() > later) {
            Segment next = segments.next(segment);
            if (next == segments.last() && Frame.check(next.view(), 0, false) == Frame.Check.EMPTY) {
                LOG.info("commit log: removing {}, prepared ahead of the end of the log and never written", next.file());
            } else {
                LOG.warn("commit log: deleting segments from offset {} on, after the cut at {}", later, position);
            }
            segments.deleteFrom(later);
        }
    }
}
