package dev.halfmoon.log;

/**
 * How an append ended. Every value but {@link #OK} and {@link #FLUSH_FAILED} means nothing was written; after
 * {@code FLUSH_FAILED} the records (its result says where they went) may or may not be there after a restart, so a
 * sender must not assume either.
 */
public enum AppendStatus {
    OK("appended"),
    DISK_FULL("the disk is too full to accept writes; free space or raise diskSpaceWarningLevelRatio"),
    RECORD_TOO_LARGE("the append is larger than a commit-log segment (mappedFileSizeCommitLog)"),
    INVALID_RECORD("a record is not in the stored-message layout"),
    STORE_FAILED("the store hit an I/O error and is read-only; see the broker log"),
    FLUSH_FAILED("the record was written but flushing it to disk failed (an I/O error): it may or may not be there "
            + "after a restart; the store is read-only now, see the broker log"),
    NOT_STARTED("the store is still starting"),
    CLOSED("the store is shut down");

    private final String description;

    AppendStatus(String description) {
        this.description = description;
    }

    /** A sentence a person can act on. */
    public String description() {
        return description;
    }
}
