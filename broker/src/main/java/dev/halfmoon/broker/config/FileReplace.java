package dev.halfmoon.broker.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Replaces a file an operator keeps (the settings file, the ACL file) with new lines, all or nothing: they are written
 * to a new file beside it, with the old one's permissions, synced, then moved over it. A symbolic link is followed to
 * the file it names, so a link into a configuration-management directory stays a link.
 */
public final class FileReplace {
    private FileReplace() {
    }

    /** The file {@code file} names, through symbolic links; itself if it does not exist yet. */
    public static Path target(Path file) throws IOException {
        return Files.exists(file) ? file.toRealPath() : file;
    }

    /** Writes {@code lines} (UTF-8) as the content of {@code file}; on failure the file is as it was. */
    public static void write(Path file, List<String> lines) throws IOException {
        Path target = target(file);
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, lines, java.nio.charset.StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // (not a POSIX file system: the new file has the directory's defaults)
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
