package dev.halfmoon.log;

import java.util.List;

/**
 * The answer to a consume-queue read. Immutable.
 *
 * @param status     what happened
 * @param records    records found, in queue order
 * @param nextOffset where the next read of this queue should start
 * @param minOffset  the queue's first entry still held
 * @param maxOffset  one past the queue's last entry
 * @param corruptAt  commit-log offset of the corrupt record that stopped the read, or -1
 */
public record QueueReadResult(ReadStatus status, List<StoredRecord> records, long nextOffset, long minOffset,
                              long maxOffset, long corruptAt) {
    public QueueReadResult {
        records = List.copyOf(records);
    }

    public QueueReadResult(ReadStatus status, List<StoredRecord> records, long nextOffset, long minOffset, long maxOffset) {
        this(status, records, nextOffset, minOffset, maxOffset, -1);
    }

    /** Total bytes of the records. */
    public int totalBytes() {
        int n = 0;
        for (StoredRecord r : records) {
            n += r.bytes().remaining();
        }
        return n;
    }
}
