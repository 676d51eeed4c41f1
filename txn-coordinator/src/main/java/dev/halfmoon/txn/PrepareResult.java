package dev.halfmoon.txn;

import dev.halfmoon.log.AppendStatus;
import dev.halfmoon.log.AppendedRecord;

/**
 * The outcome of storing a half message. Immutable.
 *
 * @param status        OK, or why the store refused it
 * @param half          where the half landed (null unless OK, or FLUSH_FAILED: written, its flush failed)
 * @param transactionId its transaction id
 */
public record PrepareResult(AppendStatus status, AppendedRecord half, String transactionId) {
    public boolean ok() {
        return status == AppendStatus.OK;
    }
}
