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
 * to a new file beside it, with the old one's permissions (and owner and group, where allowed), synced, then moved over
 * it, and the directory synced. A symbolic link is followed to the file it names, so a link into a
 * configuration-management directory stays a link. Needs write access to the file's directory.
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
                keepOwnership(target, tmp);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dir = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true); // (the rename itself on disk: a crash now brings back the new file, not the old)
        } catch (IOException | UnsupportedOperationException e) {
            // (a file system that cannot sync a directory: the rename is as durable as it makes it)
        }
    }

    /** The old file's permissions, and its owner and group where this process may set them (root may, others not). */
    private static void keepOwnership(Path from, Path to) throws IOException {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (UnsupportedOperationException e) {
            return; // (not a POSIX file system: the new file has the directory's defaults)
        }
        var old = Files.readAttributes(from, java.nio.file.attribute.PosixFileAttributes.class);
        var view = Files.getFileAttributeView(to, java.nio.file.attribute.PosixFileAttributeView.class);
        try {
            if (!old.group().equals(view.readAttributes().group())) {
                view.setGroup(old.group());
            }
            if (!old.owner().equals(view.readAttributes().owner())) {
                view.setOwner(old.owner());
            }
        } catch (IOException e) {
            // (not allowed to give the file away: it is this process's user's, with the old permissions)
        }
    }
}
