package dev.halfmoon.log;

import dev.halfmoon.message.RecordLayout;
import dev.halfmoon.message.RecordView;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One append: a header followed by one or more records in the {@link RecordLayout} format. The
 * frame is what makes a batch atomic: its checksum covers every byte of every record (RocketMQ's
 * own BODYCRC covers only bodies), so after a crash recovery keeps a frame whole or cuts it whole.
 *
 * <pre>
 * offset  width  field
 *  0      4      FRAMESIZE    header + records, in bytes
 *  4      4      MAGIC        {@link #MAGIC} ("HMFR"), distinct from both RocketMQ magics
 *  8      4      CRC          CRC32C of bytes [12, FRAMESIZE)
 * 12      4      RECORDCOUNT  number of records that follow, at least 1
 * 16      ...    records, back to back, each starting with its own TOTALSIZE
 * </pre>
 * A segment ends with a blank filler ({@link RecordLayout#BLANK_MAGIC}) when the next frame does not
 * fit. Consume queues and message ids point at records, never at frame headers.
 * Stateless; thread-safe.
 */
final class Frame {
    static final int MAGIC = 0x484D4652;
    static final int HEADER_SIZE = 16;

    /** What {@link #check} found at a position. */
    enum Check {
        /** A whole frame with a matching checksum and well-formed records. */
        FRAME,
        /** The blank filler that closes a segment. */
        BLANK,
        /** Zeros: the preallocated, never-written tail. */
        EMPTY,
        /** Anything else: torn, corrupt or garbage. */
        CORRUPT
    }

    private Frame() {
    }

    /** Writes the header for {@code recordBytes} bytes of {@code recordCount} records at the buffer's position. */
    static void putHeader(ByteBuffer frame, int recordBytes, int recordCount) {
        frame.putInt(HEADER_SIZE + recordBytes).putInt(MAGIC).putInt(0).putInt(recordCount);
    }

    /** Fills in the CRC of the frame that starts at absolute position {@code start} of {@code frame}. */
    static void seal(ByteBuffer frame, int start) {
        int size = frame.getInt(start);
        frame.putInt(start + 8, crc(frame, start, size));
    }

    /**
     * Whether the {@code recordSize}-byte record at {@code recordPosition} of a segment {@code view} is the
     * only record of its frame (every single send is), i.e. the bytes before it are that frame's header.
     */
    static boolean holdsOnly(ByteBuffer view, int recordPosition, int recordSize) {
        int start = recordPosition - HEADER_SIZE;
        return start >= 0 && view.getInt(start + 4) == MAGIC && view.getInt(start) == HEADER_SIZE + recordSize
                && view.getInt(start + 12) == 1;
    }

    /**
     * Whether the {@code recordSize}-byte record at {@code recordPosition} of a segment {@code view} is the first record
     * of its frame (every single send, a committed transactional message ahead of its op record, a batch's first),
     * i.e. the bytes before it are a frame header whose frame holds it within the view.
     */
    static boolean heads(ByteBuffer view, int recordPosition, int recordSize) {
        int start = recordPosition - HEADER_SIZE;
        if (start < 0 || view.getInt(start + 4) != MAGIC || view.getInt(start + 12) < 1) {
            return false;
        }
        int size = view.getInt(start);
        return size >= HEADER_SIZE + recordSize && size <= view.limit() - start;
    }

    /** Whether the frame at {@code start} of {@code view} (its size field trusted) matches its checksum. */
    static boolean crcMatches(ByteBuffer view, int start) {
        return crc(view, start, view.getInt(start)) == view.getInt(start + 8);
    }

    private static int crc(ByteBuffer buffer, int start, int size) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(start + size).position(start + 12));
        return (int) crc.getValue();
    }

    /**
     * Classifies the bytes at {@code position} of a segment {@code view} whose limit is the end of
     * what may hold data. A frame counts only if its checksum matches and each record checks out
     * (magic, lengths, body CRC when {@code checkBodyCrc}).
     */
    static Check check(ByteBuffer view, int position, boolean checkBodyCrc) {
        int available = view.limit() - position;
        if (available < 8) {
            return available <= 0 || isZero(view, position, available) ? Check.EMPTY : Check.CORRUPT;
        }
        int size = view.getInt(position);
        int magic = view.getInt(position + 4);
        if (magic == RecordLayout.BLANK_MAGIC) {
            return size == available ? Check.BLANK : Check.CORRUPT;
        }
        if (size == 0 && magic == 0) {
            return isZero(view, position, Math.min(available, HEADER_SIZE)) ? Check.EMPTY : Check.CORRUPT;
        }
        if (magic != MAGIC || size < HEADER_SIZE + RecordLayout.FIXED_SIZE_V4 || size > available
                || view.getInt(position + 12) < 1) {
            return Check.CORRUPT;
        }
        if (crc(view, position, size) != view.getInt(position + 8)) {
            return Check.CORRUPT;
        }
        return recordsCheck(view, position, size, checkBodyCrc) ? Check.FRAME : Check.CORRUPT;
    }

    private static boolean recordsCheck(ByteBuffer view, int start, int size, boolean checkBodyCrc) {
        ByteBuffer frame = view.duplicate().limit(start + size);
        int count = view.getInt(start + 12);
        int at = start + HEADER_SIZE;
        for (int i = 0; i < count; i++) {
            RecordView record = RecordView.at(frame, at);
            if (record.check(checkBodyCrc) != RecordView.Check.OK) {
                return false;
            }
            at += record.totalSize();
        }
        return at == start + size;
    }

    private static boolean isZero(ByteBuffer view, int position, int length) {
        for (int i = 0; i < length; i++) {
            if (view.get(position + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
