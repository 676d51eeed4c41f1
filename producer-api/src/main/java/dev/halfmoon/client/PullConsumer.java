package dev.halfmoon.client;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.HeartbeatData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pulls messages when the application asks: assign queues, {@link #poll} them, {@link #commit}
 * progress. Starts each queue at the group's committed offset (or its beginning). Not
 * thread-safe: use it from one thread.
 *
 * <pre>{@code
 * try (PullConsumer consumer = PullConsumer.start(options, "audit")) {
 *     consumer.assign(consumer.queues("OrderCreated"));
 *     for (MessageView m : consumer.poll(Duration.ofSeconds(1))) { audit(m); }
 *     consumer.commit();
 * }
 * }</pre>
 */
public final class PullConsumer implements AutoCloseable {
    private final ClientCore core;
    private final ConsumerWire wire;
    private final String group;
    private final Map<QueueRef, Long> next = new LinkedHashMap<>();
    private int turn;

    private PullConsumer(ClientOptions options, String group) {
        this.group = group;
        this.core = new ClientCore(options, "pull", this::heartbeatData);
        this.wire = new ConsumerWire(core, group);
    }

    private HeartbeatData heartbeatData() {
        return new HeartbeatData(core.clientId, Set.of(), Set.of());
    }

    public static PullConsumer start(ClientOptions options, String group) {
        return new PullConsumer(options, group);
    }

    /** Every readable queue of {@code topic}. */
    public List<QueueRef> queues(String topic) {
        return core.fetchRoute(topic).readable();
    }

    /** Consumes these queues, each from the group's committed offset (or 0). */
    public void assign(Collection<QueueRef> queues) {
        next.clear();
        for (QueueRef q : queues) {
            next.put(q, Math.max(0, wire.committedOffset(q)));
        }
    }

    /** Moves a queue's position. */
    public void seek(QueueRef queue, long offset) {
        if (!next.containsKey(queue)) {
            throw new IllegalArgumentException(queue + " is not assigned");
        }
        next.put(queue, offset);
    }

    /** The next offset of {@code queue}. */
    public long position(QueueRef queue) {
        return next.get(queue);
    }

    /**
     * Returns messages from the assigned queues: whatever is there now, else waits up to
     * {@code timeout} on one queue. Empty if nothing arrived. A message whose body cannot be read (compressed in a
     * way that does not decompress) is returned all the same: its {@link MessageView#body()} throws and
     * {@link MessageView#bodyProblem()} says why.
     */
    public List<MessageView> poll(Duration timeout) {
        List<QueueRef> queues = new ArrayList<>(next.keySet());
        for (int i = 0; i < queues.size(); i++) {
            List<MessageView> found = pullOnce(queues.get(Math.floorMod(turn++, queues.size())), 0);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return queues.isEmpty() ? List.of() : pullOnce(queues.get(Math.floorMod(turn++, queues.size())), timeout.toMillis());
    }

    private List<MessageView> pullOnce(QueueRef q, long suspendMs) {
        RemotingCommand r = Producer.join(wire.pull(q, next.get(q), 32, -1, suspendMs, "*"));
        if (r.ext("nextBeginOffset") != null && r.code() != ResponseCode.SUCCESS) {
            next.put(q, Long.parseLong(r.ext("nextBeginOffset")));
            return List.of();
        }
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "pull of " + q + " refused: " + r.remark());
        }
        next.put(q, Long.parseLong(r.ext("nextBeginOffset")));
        return WireCodec.records(r.body(), q.brokerName(), Set.of());
    }

    /** Commits every assigned queue's position for the group, waiting for the brokers. */
    public void commit() {
        next.forEach((q, offset) -> wire.commit(q, offset, true));
    }

    @Override
    public void close() {
        core.unregister(null, group);
        core.close();
    }
}
