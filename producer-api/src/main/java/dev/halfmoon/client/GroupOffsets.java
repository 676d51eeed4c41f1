package dev.halfmoon.client;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.QueueKeyedJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push consumer's offsets: where each queue starts, and where its workers' progress goes: the group's offsets on the
 * brokers, or, for a broadcasting member, its own file ({@link LocalOffsetStore}). Also reads the offset table a broker
 * sends when an operator resets the group. Thread-safe.
 */
final class GroupOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);

    private final ConsumerWire wire;
    private final LocalOffsetStore local;
    private final boolean fromFirst;

    /**
     * @param local     a broadcasting member's own offsets; null for a clustering one (the brokers keep the group's)
     * @param fromFirst a queue the group never consumed starts at its beginning (else at its end)
     */
    GroupOffsets(ConsumerWire wire, LocalOffsetStore local, boolean fromFirst) {
        this.wire = wire;
        this.local = local;
        this.fromFirst = fromFirst;
    }

    /** Where consuming {@code q} starts: the progress recorded, else its beginning or end (retry topics: beginning). */
    long start(QueueRef q) {
        if (local != null) {
            Long recorded = local.get(q);
            if (recorded != null) {
                return recorded;
            }
            return fromFirst ? 0 : wire.maxOffset(q);
        }
        long committed = wire.committedOffset(q);
        if (committed >= 0) {
            return committed;
        }
        return fromFirst || q.topic().startsWith("%RETRY%") ? 0 : wire.maxOffset(q);
    }

    /** Records {@code w}'s progress if it moved ({@code sync}: waiting for the broker); failures are logged. */
    void commit(QueueWorker w, boolean sync) {
        if (local != null) {
            synchronized (w) { // taken and put in one step: two threads' commits cannot land in the wrong order
                long offset = w.takeCommit();
                if (offset >= 0) {
                    local.put(w.queue(), offset);
                }
            }
            return;
        }
        long offset = w.takeCommit();
        if (offset < 0) {
            return;
        }
        java.util.concurrent.CompletableFuture<Void> sent;
        try {
            sent = wire.commit(w.queue(), offset, sync);
        } catch (RuntimeException e) {
            sent = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, e) -> {
            if (e != null) { // tried again at the next turn, not only once the offset moves (the last one before a close)
                w.commitFailed(offset);
                LOG.debug("commit of {} failed: {}", w.queue(), e.getMessage());
            }
        });
    }

    /** Writes a broadcasting member's file if an offset changed. */
    void persist() {
        if (local != null) {
            local.persist();
        }
    }

    /**
     * The offsets of a broker's RESET_CONSUMER_CLIENT_OFFSET for {@code group}; empty if it is for another group or
     * cannot be read (logged).
     */
    static Map<QueueRef, Long> resetTable(RemotingCommand request, String group) {
        Map<QueueRef, Long> table = new LinkedHashMap<>();
        if (!group.equals(request.ext("group")) || request.body() == null) {
            return table;
        }
        try {
            Map<MessageQueueRef, Long> offsets = QueueKeyedJson.parseOffsets(request.body(), "offsetTable");
            offsets.forEach((q, offset) -> table.put(new QueueRef(q.topic(), q.brokerName(), q.queueId()), offset));
        } catch (RuntimeException e) {
            LOG.warn("offset reset for group {} not applied: {}", group, e.getMessage());
        }
        return table;
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
