package dev.halfmoon.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space kept in reserve in the store's root, as the file {@value #FILE_NAME} (1 % of the disk, at most 64 MiB), so that
 * a broker can start on a disk that filled up while it was down or stopped: opening the metadata database and the
 * store needs a little space, and retention, which gives space back, runs only once they are open. The reserve is
 * given back when the disk has less free space than it holds (at start, before anything is opened, and on the
 * retention thread), and made again once the disk, reserve included, stays under {@code diskMaxUsedSpaceRatio}.
 * One thread at a time (the opening thread, then the retention thread).
 */
public final class SpaceReserve {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceReserve.class);
    /** The reserve's file name in the store's root directory. */
    public static final String FILE_NAME = "reserved-space";
    static final long MAX_BYTES = 64L << 20;
    private static final String PARTIAL_NAME = FILE_NAME + ".tmp";

    private final Path file;
    private final DiskUsage usage;
    private final double keepUnder;

    /**
     * @param rootDir   the store's root ({@code storePathRootDir})
     * @param usage     how full the disk is; a disk whose size it does not know gets no reserve
     * @param keepUnder the share of the disk (0..1) the disk may be filled to, reserve included, when it is made
     */
    SpaceReserve(Path rootDir, DiskUsage usage, double keepUnder) {
        this.file = rootDir.resolve(FILE_NAME);
        this.usage = usage;
        this.keepUnder = keepUnder;
    }

    /**
     * At start, before the store and its metadata are opened: removes a reserve a crash cut short while it was being
     * made, and gives the reserve back if the disk has less free space than it holds.
     *
     * @return whether it was given back
     */
    public static boolean releaseAtStart(Path rootDir) {
        try {
            Files.deleteIfExists(rootDir.resolve(PARTIAL_NAME));
        } catch (IOException e) {
            LOG.warn("cannot remove a half-made space reserve in {}: {}", rootDir, e.toString());
        }
        return releaseIfShort(rootDir);
    }

    /** Gives the reserve back if the disk holding {@code rootDir} has less free space than the reserve holds. */
    static boolean releaseIfShort(Path rootDir) {
        Path file = rootDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                return false;
            }
            long held = Files.size(file);
            long free = Files.getFileStore(rootDir).getUsableSpace();
            if (free >= held) {
                return false;
            }
            Files.delete(file);
            LOG.warn("the disk holding {} is full ({} bytes free): gave back the {} bytes kept in reserve so the store "
                    + "can open; appends stay refused until it is under diskSpaceWarningLevelRatio, and retention "
                    + "deletes the oldest segments while it is over diskMaxUsedSpaceRatio", rootDir, free, held);
            return true;
        } catch (IOException e) {
            LOG.warn("cannot check the space reserve {}: {}", file, e.toString());
            return false;
        }
    }

    /**
     * Gives the reserve back if the disk is out of space, or, if {@code make}, makes it if it is missing and the disk
     * has room.
     */
    void keep(boolean make) {
        try {
            if (releaseIfShort(file.getParent()) || !make) {
                return;
            }
            long total = usage.totalBytes();
            long size = Math.min(MAX_BYTES, total / 100);
            if (Files.exists(file) || size <= 0 || usage.usedRatio() + (double) size / total > keepUnder) {
                return;
            }
            make(size);
        } catch (IOException e) {
            LOG.debug("space reserve: {}", e.toString());
        }
    }

    private void make(long size) throws IOException {
        Path partial = file.resolveSibling(PARTIAL_NAME);
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // random bytes, not zeros: a compressing file system (ZFS, btrfs) or thin storage would not store zeros
            byte[] random = new byte[1 << 20];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(random);
            ByteBuffer chunk = ByteBuffer.wrap(random);
            for (long at = 0; at < size; at += chunk.capacity()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.info("kept {} bytes of the disk in reserve ({}), given back if the disk fills up", size, file);
    }
}
