package dev.halfmoon.log;

/**
 * One consume-queue entry as stored: where its record lies in the commit log and its tags code. Immutable.
 *
 * @param queueOffset     the entry's position in its queue
 * @param commitLogOffset where its record starts in the commit log (-1 if retention removed the entry meanwhile)
 * @param size            the record's length in bytes
 * @param tagsCode        the record's tags code (the hash of its tag; what pulls filter on)
 */
public record QueueEntry(long queueOffset, long commitLogOffset, int size, long tagsCode) {
}
