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

    /** Size of the disk in bytes, or 0 if unknown. */
    default long totalBytes() throws IOException {
        return 0;
    }

    /** Bytes free for this process's writes, or Long.MAX_VALUE if unknown. */
    default long usableBytes() throws IOException {
        return Long.MAX_VALUE;
    }

    /** The share of the disk in use once {@code freeing} bytes, about to be given back, are (0..1). */
    default double usedRatioAfterFreeing(long freeing) throws IOException {
        double used = usedRatio();
        long total = freeing > 0 ? totalBytes() : 0;
        return total <= 0 ? used : Math.max(0.0, used - (double) freeing / total);
    }

    /** The file system that holds {@code dir}, as {@code statfs} reports it. */
    static DiskUsage of(Path dir) {
        return new DiskUsage() {
            @Override
            public double usedRatio() throws IOException {
                FileStore store = Files.getFileStore(dir);
                long total = store.getTotalSpace();
                return total <= 0 ? 0.0 : 1.0 - (double) store.getUsableSpace() / total;
            }

            @Override
            public long totalBytes() throws IOException {
                return Files.getFileStore(dir).getTotalSpace();
            }

            @Override
            public long usableBytes() throws IOException {
                return Files.getFileStore(dir).getUsableSpace();
            }
        };
    }
}
