package dev.halfmoon.log;

/**
 * Where one appended record landed. Immutable.
 *
 * @param commitLogOffset byte position of the record in the commit log
 * @param size            record size in bytes
 * @param queueOffset     its entry number in its consume queue, or -1 if it goes to no queue
 * @param storeTimestamp  the store clock at append, ms
 */
public record AppendedRecord(long commitLogOffset, int size, long queueOffset, long storeTimestamp) {
}
