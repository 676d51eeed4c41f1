package dev.halfmoon.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An I/O failure of the store, naming the file and the byte position where it happened.
 * Unchecked: callers at a request or thread boundary catch it, log it once and move the store to
 * its failed state.
 */
public final class LogIOException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long position;

    public LogIOException(String action, Path file, long position, IOException cause) {
        super(action + " failed on " + file + " at position " + position + ": " + cause.getMessage(), cause);
        this.file = file;
        this.position = position;
    }

    /** The file the failure happened on. */
    public Path file() {
        return file;
    }

    /** Byte position within the file (or -1 when not tied to one). */
    public long position() {
        return position;
    }

    /** True when the cause says the device has no space left (ENOSPC). */
    public boolean isDiskFull() {
        return DiskFull.isNoSpace(getCause());
    }
}
