package dev.halfmoon.log;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reports how full the disk under the store is. Implementations are thread-safe. */
@FunctionalInterface
public interface DiskUsage {
    /** Share of the disk in use, 0..1. */
    double usedRatio() throws IOException;

    /** The file system that holds {@code dir}, as {@code statfs} reports it. */
    static DiskUsage of(Path dir) {
        return () -> {
            FileStore store = Files.getFileStore(dir);
            long total = store.getTotalSpace();
            return total <= 0 ? 0.0 : 1.0 - (double) store.getUsableSpace() / total;
        };
    }
}
