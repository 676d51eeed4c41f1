package dev.halfmoon.log;

import java.io.IOException;

/** Recognises "no space left on device" among I/O failures. Stateless. */
final class DiskFull {
    private DiskFull() {
    }

    static boolean isNoSpace(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
