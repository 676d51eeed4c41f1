package dev.halfmoon.broker.lock;

import dev.halfmoon.remoting.body.MessageQueueRef;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who consumes which queue in order: a lock per consumer group and queue, held by one client,
 * renewed by that client's periodic LOCK_BATCH_MQ, lost when it expires
 * ({@code rebalanceLockMaxLiveTime}, 60 s) or at once when the client leaves, so a queue is
 * consumed by one member at a time, also across a rebalance. Thread-safe (one monitor).
 */
public final class QueueLocks {
    private record Lock(String clientId, long renewedMs) {
    }

    private final Map<String, Map<MessageQueueRef, Lock>> byGroup = new HashMap<>();
    private final Clock clock;
    private final long expiryMs;

    public QueueLocks(Clock clock, long expiryMs) {
        this.clock = clock;
        this.expiryMs = expiryMs;
    }

    /** Locks (or renews) every queue of {@code queues} that is free, expired or already held by {@code clientId}. */
    public synchronized Set<MessageQueueRef> lock(String group, String clientId, Set<MessageQueueRef> queues) {
        long now = clock.millis();
        Map<MessageQueueRef, Lock> locks = byGroup.computeIfAbsent(group, g -> new HashMap<>());
        Set<MessageQueueRef> granted = new HashSet<>();
        for (MessageQueueRef q : queues) {
            Lock current = locks.get(q);
            if (current == null || current.clientId().equals(clientId) || now - current.renewedMs() > expiryMs) {
                locks.put(q, new Lock(clientId, now));
                granted.add(q);
            }
        }
        return granted;
    }

    /** Releases the queues {@code clientId} holds among {@code queues}. */
    public synchronized void unlock(String group, String clientId, Set<MessageQueueRef> queues) {
        Map<MessageQueueRef, Lock> locks = byGroup.get(group);
        if (locks == null) {
            return;
        }
        for (MessageQueueRef q : queues) {
            Lock current = locks.get(q);
            if (current != null && current.clientId().equals(clientId)) {
                locks.remove(q);
            }
        }
    }

    /** Releases everything {@code clientId} holds in any group (it disconnected). */
    public synchronized void releaseAll(String clientId) {
        for (Map<MessageQueueRef, Lock> locks : byGroup.values()) {
            locks.values().removeIf(l -> l.clientId().equals(clientId));
        }
    }

    /** The client holding a live lock on {@code queue}, or null. */
    public synchronized String holder(String group, MessageQueueRef queue) {
        Lock l = byGroup.getOrDefault(group, Map.of()).get(queue);
        return l == null || clock.millis() - l.renewedMs() > expiryMs ? null : l.clientId();
    }
}
