package dev.halfmoon.log;

import java.nio.ByteBuffer;

/**
 * A record read from a consume queue: a read-only view of its bytes in the commit log (no copy),
 * valid as long as it is referenced. Immutable.
 *
 * @param queueOffset     its entry in the queue
 * @param commitLogOffset its position in the commit log
 * @param tagsCode        the tag code of its entry
 * @param bytes           the record, in the stored-message layout
 */
public record StoredRecord(long queueOffset, long commitLogOffset, long tagsCode, ByteBuffer bytes) {
}
