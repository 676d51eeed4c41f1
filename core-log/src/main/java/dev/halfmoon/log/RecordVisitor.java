package dev.halfmoon.log;

import dev.halfmoon.message.RecordView;

/** Receives records during a scan of the commit log. */
@FunctionalInterface
public interface RecordVisitor {
    /**
     * @param record          view of the record; valid only during the call
     * @param commitLogOffset its position in the commit log
     */
    void visit(RecordView record, long commitLogOffset);
}
