package dev.halfmoon.broker.send;

import dev.halfmoon.log.AppendStatus;
import dev.halfmoon.remoting.ResponseCode;

/** Maps a store refusal to the response code clients understand (and retry where it makes sense). Stateless. */
public final class AppendRefusal {
    private AppendRefusal() {
    }

    public static int code(AppendStatus status) {
        return switch (status) {
            case OK -> ResponseCode.SUCCESS;
            case RECORD_TOO_LARGE, INVALID_RECORD -> ResponseCode.MESSAGE_ILLEGAL;
            case DISK_FULL, STORE_FAILED, NOT_STARTED, CLOSED -> ResponseCode.SERVICE_NOT_AVAILABLE; // nothing stored
            // maybe stored: RocketMQ's answer to a flush that did not complete, which its clients do not send again
            // (a second copy, or a second half that could commit too) and Halfmoon's client does not either
            case FLUSH_FAILED -> ResponseCode.FLUSH_DISK_TIMEOUT;
        };
    }

    public static String remark(AppendStatus status) {
        return (status == AppendStatus.FLUSH_FAILED ? "" : "service not available now: ") + status.description();
    }
}
