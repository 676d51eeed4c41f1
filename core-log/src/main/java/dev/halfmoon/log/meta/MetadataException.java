package dev.halfmoon.log.meta;

/** A RocksDB failure, with the table and operation it happened on. */
public final class MetadataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
