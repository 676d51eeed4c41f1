package dev.halfmoon.broker.send;

import dev.halfmoon.log.AppendedRecord;
import java.util.List;

/**
 * The outcome of a send: a response code with a remark a person can act on, and where the
 * records landed. Immutable.
 *
 * @param code          a {@code ResponseCode}
 * @param remark        why, when not SUCCESS
 * @param queueId       queue written
 * @param records       appended records (empty unless SUCCESS)
 * @param msgId         offset message id(s), comma-joined for a batch
 * @param transactionId for a half message, its transaction id (the UNIQ_KEY); else null
 */
public record SendResult(int code, String remark, int queueId, List<AppendedRecord> records, String msgId,
                         String transactionId) {
    public SendResult {
        records = List.copyOf(records);
    }

    public static SendResult refused(int code, String remark) {
        return new SendResult(code, remark, -1, List.of(), null, null);
    }
}
