package dev.halfmoon.message;

/**
 * The consume-queue tag code: {@code tags.hashCode()} widened to long, 0 when there is no tag.
 * Stateless; thread-safe.
 */
public final class TagsCode {
    private TagsCode() {
    }

    /** Tag code of {@code tags}; 0 for null or empty. */
    public static long of(String tags) {
        return tags == null || tags.isEmpty() ? 0L : tags.hashCode();
    }
}
