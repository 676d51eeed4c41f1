package dev.halfmoon.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every consume queue of the store, laid out as {@code consumequeue/<topic>/<queueId>/<files>}.
 * A topic is used as a directory name when it only has the characters RocketMQ allows in topics;
 * any other byte is written as {@code ~XX} so that no topic can name a path outside the store.
 *
 * <p>Thread-safe: the dispatch thread creates queues, everyone looks them up.
 */
final class ConsumeQueues implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsumeQueues.class);
    private final Path dir;
    private final int entriesPerFile;
    private final Map<TopicQueue, ConsumeQueue> queues = new ConcurrentHashMap<>();
    static final long RELEASE_GRACE_NANOS = 10_000_000_000L;

    /** Files deleted by trims whose blocks are not given back yet. */
    private final Retirement<QueueFile> retired = new Retirement<>(QueueFile::release);

    private ConsumeQueues(Path dir, int entriesPerFile) {
        this.dir = dir;
        this.entriesPerFile = entriesPerFile;
    }

    /**
     * Result of {@link #load}: the queues, the ones holding fewer entries than the checkpoint said, and the commit-log
     * offset from which replaying the log rebuilds them all (0: all of it; {@code Long.MAX_VALUE}: none behind).
     */
    record Loaded(ConsumeQueues queues, List<TopicQueue> behind, long replayFrom) {
    }

    /**
     * Opens every queue under {@code dir}.
     *
     * @param endHints  each queue's end as of the last checkpoint
     * @param droppedAt dropped topics and the offset of their drop: a missing queue of one is rebuilt from there
     */
    static Loaded load(Path dir, int entriesPerFile, Map<TopicQueue, Long> endHints, Map<String, Long> droppedAt) {
        ConsumeQueues set = new ConsumeQueues(dir, entriesPerFile);
        List<TopicQueue> behind = new ArrayList<>();
        long replayFrom = Long.MAX_VALUE;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> topics = Files.list(dir)) {
                for (Path topicDir : topics.filter(Files::isDirectory).toList()) {
                    String topic = decode(topicDir.getFileName().toString());
                    try (Stream<Path> ids = Files.list(topicDir)) {
                        for (Path queueDir : ids.filter(Files::isDirectory).toList()) {
                            TopicQueue id = new TopicQueue(topic, Integer.parseInt(queueDir.getFileName().toString()));
                            ConsumeQueue.Opened opened = ConsumeQueue.open(id, queueDir, entriesPerFile,
                                    endHints.getOrDefault(id, 0L));
                            set.queues.put(id, opened.queue());
                            if (opened.wasBehind()) {
                                behind.add(id);
                                replayFrom = Math.min(replayFrom, opened.replayFrom());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            set.close();
            throw new LogIOException("load consume queues", dir, -1, e);
        }
        for (Map.Entry<TopicQueue, Long> hint : endHints.entrySet()) {
            if (hint.getValue() > 0 && !set.queues.containsKey(hint.getKey())) {
                behind.add(hint.getKey());
                // its directory is gone: all of the log, or from its topic's drop (the records before are not queued)
                replayFrom = Math.min(replayFrom, droppedAt.getOrDefault(hint.getKey().topic(), 0L));
            }
        }
        return new Loaded(set, behind, replayFrom);
    }

    /** The queue, or null if it never had an entry. */
    ConsumeQueue find(TopicQueue id) {
        return queues.get(id);
    }

    /** The queue, created empty if needed. Dispatch thread. */
    ConsumeQueue getOrCreate(TopicQueue id) {
        return queues.computeIfAbsent(id, q -> ConsumeQueue.create(q,
                dir.resolve(encode(q.topic())).resolve(Integer.toString(q.queueId())), entriesPerFile));
    }

    /** The ids of {@code topic}'s queues. */
    java.util.Set<Integer> queueIdsOf(String topic) {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        queues.keySet().forEach(id -> {
            if (id.topic().equals(topic)) {
                ids.add(id.queueId());
            }
        });
        return ids;
    }

    /** Topics with a consume queue holding entries. */
    java.util.Set<String> topics() {
        java.util.Set<String> topics = new java.util.TreeSet<>();
        queues.forEach((id, q) -> {
            if (q.maxOffset() > q.minOffset()) {
                topics.add(id.topic());
            }
        });
        return topics;
    }

    /**
     * Drops every queue of {@code topic} (deleted): gone from lookups, files unlinked and given back after a grace,
     * empty directories removed. Dispatch thread, or the opening of the store. Returns how many.
     */
    int drop(String topic) {
        return drop(id -> id.topic().equals(topic));
    }

    /**
     * Opening: drops the queues of dropped topics that still hold entries from before their drop (a crash came between
     * the drop's record and the removal of its files). {@code droppedAt}: topic → offset of its drop.
     *
     * @return the lowest drop offset of the topics so treated, from which the log must be replayed to queue their
     *         records written since ({@code Long.MAX_VALUE}: none)
     */
    long dropStale(Map<String, Long> droppedAt) {
        long[] replayFrom = {Long.MAX_VALUE};
        int n = drop(id -> {
            Long at = droppedAt.get(id.topic());
            ConsumeQueue q = queues.get(id);
            boolean stale = at != null && q.maxOffset() > q.minOffset() && q.commitLogOffset(q.maxOffset() - 1) < at;
            if (stale) {
                replayFrom[0] = Math.min(replayFrom[0], at);
            }
            return stale;
        });
        if (n > 0) {
            LOG.info("{} consume queues of dropped topics removed at open; the log is replayed from {}", n, replayFrom[0]);
        }
        return replayFrom[0];
    }

    private int drop(java.util.function.Predicate<TopicQueue> which) {
        List<TopicQueue> doomed = queues.keySet().stream().filter(which).toList();
        List<ConsumeQueue> removed = new ArrayList<>();
        for (TopicQueue id : doomed) { // first out of every lookup, all of them; then their files
            removed.add(queues.remove(id));
        }
        for (ConsumeQueue q : removed) {
            q.unlinkAll().forEach(f -> retired.retire(f, 0));
            Path queueDir = dir.resolve(encode(q.id().topic())).resolve(Integer.toString(q.id().queueId()));
            deleteIfEmpty(queueDir);
            deleteIfEmpty(queueDir.getParent());
        }
        return doomed.size();
    }

    /** Gives back the blocks of files deleted at least {@link #RELEASE_GRACE_NANOS} ago (a dropped topic's too). */
    void releaseRetired() {
        retired.releaseOlderThan(RELEASE_GRACE_NANOS);
    }

    private static void deleteIfEmpty(Path directory) {
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // not empty (another queue of the topic), or not ours to remove: left
        }
    }

    /** Where a queue's offsets start the first time the appender sees it: its current end. */
    long end(TopicQueue id) {
        ConsumeQueue q = queues.get(id);
        return q == null ? 0 : q.maxOffset();
    }

    /** Every queue's end, for a checkpoint. */
    Map<TopicQueue, Long> ends() {
        Map<TopicQueue, Long> ends = new HashMap<>();
        queues.forEach((id, q) -> ends.put(id, q.maxOffset()));
        return ends;
    }

    Iterable<ConsumeQueue> all() {
        return queues.values();
    }

    void truncateAbove(long logEnd) {
        queues.values().forEach(q -> q.truncateAbove(logEnd));
    }

    /**
     * Moves every queue's minimum past entries below {@code logMinOffset}, deleting files left with none. A
     * deleted file's blocks are given back at the next trim at least {@link #RELEASE_GRACE_NANOS} later (a
     * reader reads entries, never keeps a view of them, so a short grace is enough), not when its mapping is
     * collected. Retention thread (and the opening of the store).
     */
    void trimBelow(long logMinOffset) {
        retired.releaseOlderThan(RELEASE_GRACE_NANOS);
        queues.values().forEach(q -> q.trimBelow(logMinOffset).forEach(f -> retired.retire(f, 0)));
    }

    void force() {
        queues.values().forEach(ConsumeQueue::force);
    }

    @Override
    public void close() {
        retired.closeAll(QueueFile::close);
        queues.values().forEach(ConsumeQueue::close);
    }

    static String encode(String topic) {
        StringBuilder sb = new StringBuilder(topic.length());
        for (byte b : topic.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '%' || c == '|' || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('~').append(String.format("%02X", b & 0xFF));
            }
        }
        return sb.toString();
    }

    static String decode(String name) {
        byte[] out = new byte[name.length()];
        int n = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '~' && i + 2 < name.length()) {
                out[n++] = (byte) Integer.parseInt(name.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
