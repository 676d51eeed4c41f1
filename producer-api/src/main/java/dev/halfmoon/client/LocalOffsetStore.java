package dev.halfmoon.client;

import dev.halfmoon.remoting.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broadcasting consumer's offsets, kept by the member itself as RocketMQ's client does (the
 * broker keeps none for broadcasting groups): in memory, and in a JSON file written every second
 * when something changed and at close, so a restarted member goes on where it stopped instead of
 * consuming everything again or skipping what came meanwhile. The file is written aside, forced to
 * disk and then renamed over the old one. A lock file keeps two members from sharing it. Thread-safe.
 */
final class LocalOffsetStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalOffsetStore.class);

    private final Path file;
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile boolean changed;
    private boolean closed;

    /**
     * Locks {@code file} for this member and loads it if it exists; an unreadable file is logged and the
     * member starts afresh.
     *
     * @throws IllegalStateException if another member (in this process or another) uses the file
     */
    LocalOffsetStore(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            lockChannel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                lockChannel.close();
                throw new IllegalStateException("another broadcasting member uses the offsets in " + file
                        + "; give each member on a host its own instance name (ClientOptions.withInstanceName) "
                        + "or its own file (PushConsumer.Builder.broadcasting(Path))");
            }
            lock = held;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot lock the broadcasting offsets in " + file, e);
        }
        if (Files.exists(file)) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Number> stored = Json.decode(Files.readAllBytes(file), Map.class);
                stored.forEach((k, v) -> offsets.put(k, v.longValue()));
                LOG.info("broadcasting offsets of {} queues loaded from {}", offsets.size(), file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read broadcasting offsets from {} ({}); starting from the consumer's default position",
                        file, e.toString());
            }
        }
    }

    /**
     * The default file: {@code <dir>/<instanceName>/<group>/offsets.json}, where dir is the system
     * property {@code halfmoon.client.localOffsetStoreDir}, else {@code ~/.halfmoon_offsets}.
     */
    static Path defaultFile(String instanceName, String group) {
        String dir = System.getProperty("halfmoon.client.localOffsetStoreDir",
                Path.of(System.getProperty("user.home"), ".halfmoon_offsets").toString());
        return Path.of(dir, instanceName, group, "offsets.json");
    }

    Long get(QueueRef q) {
        return offsets.get(key(q));
    }

    /**
     * Records a queue's progress, backwards too (an operator's reset, a queue moved back); callers put one queue's
     * offsets in the order they took them.
     */
    void put(QueueRef q, long offset) {
        Long before = offsets.put(key(q), offset);
        if (before == null || before != offset) {
            changed = true;
        }
    }

    /** Writes the file if an offset changed since the last write; failures are logged, not thrown. */
    synchronized void persist() {
        if (!changed || closed) {
            return;
        }
        changed = false;
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(Json.encode(new TreeMap<>(offsets)));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            changed = true;
            LOG.warn("cannot write broadcasting offsets to {}: {}", file, e.toString());
        }
    }

    /** Writes what changed and releases the file for the next member. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        persist();
        closed = true;
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing the lock on {}: {}", file, e.toString());
        }
    }

    private static String key(QueueRef q) {
        return q.topic() + "@" + q.brokerName() + "@" + q.queueId();
    }
}
