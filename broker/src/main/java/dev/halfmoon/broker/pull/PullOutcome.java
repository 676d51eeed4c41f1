package dev.halfmoon.broker.pull;

import dev.halfmoon.log.StoredRecord;
import java.util.List;

/**
 * The answer to a pull: a response code, the offsets the client needs, and the records (views of
 * the log, sent without copying). Immutable.
 */
public record PullOutcome(int code, String remark, long nextBeginOffset, long minOffset, long maxOffset,
                          List<StoredRecord> records) {
    public PullOutcome {
        records = List.copyOf(records);
    }
}
