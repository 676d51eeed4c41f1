package dev.halfmoon.log;

import java.util.List;

/**
 * The outcome of one append (one record or one atomic batch). Immutable.
 *
 * @param status  {@link AppendStatus#OK} or why nothing was written
 * @param records one entry per appended record, in order; empty unless OK
 */
public record AppendResult(AppendStatus status, List<AppendedRecord> records) {
    public AppendResult {
        records = List.copyOf(records);
    }

    static AppendResult failed(AppendStatus status) {
        return new AppendResult(status, List.of());
    }

    public boolean ok() {
        return status == AppendStatus.OK;
    }

    /** The first (or only) record. */
    public AppendedRecord first() {
        if (records.isEmpty()) {
            throw new IllegalStateException("append failed: " + status);
        }
        return records.get(0);
    }
}
