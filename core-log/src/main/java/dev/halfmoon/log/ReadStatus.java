package dev.halfmoon.log;

/** Outcome of a consume-queue read; names follow RocketMQ's {@code GetMessageStatus}. */
public enum ReadStatus {
    /** At least one record is returned. */
    FOUND,
    /** Entries were read but none passed the tag filter; continue from the next offset. */
    NO_MATCHED_MESSAGE,
    /** The queue has never had an entry. */
    NO_MESSAGE_IN_QUEUE,
    /** The offset equals the end: nothing new yet. */
    OFFSET_OVERFLOW_ONE,
    /** The offset is past the end. */
    OFFSET_OVERFLOW_BADLY,
    /** The offset is below the first entry still held. */
    OFFSET_TOO_SMALL,
    /** The entries read point at records retention already deleted. */
    OFFSET_FOUND_NULL,
    /** The next record fails its checksum: refused, reported, and the read stops before it. */
    CORRUPT_RECORD
}
