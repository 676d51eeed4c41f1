package dev.halfmoon.log;

/**
 * Lets an upper layer carry forward records it still needs before retention deletes the segment
 * that holds them (for example, by appending a copy). Called on the retention thread, before the
 * deletion; the segment is deleted only after it returns normally. Throwing postpones the deletion
 * to the next retention pass.
 */
@FunctionalInterface
public interface RetentionHook {
    RetentionHook NONE = (start, end) -> { };

    /** The commit-log range [{@code startOffset}, {@code endOffset}) is about to be deleted. */
    void beforeDelete(long startOffset, long endOffset) throws Exception;
}
