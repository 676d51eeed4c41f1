package dev.halfmoon.broker.lock;

import dev.halfmoon.remoting.body.MessageQueueRef;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who consumes which queue in order: a lock per consumer group and queue, held by one client,
 * renewed by that client's periodic LOCK_BATCH_MQ, released by its UNLOCK_BATCH_MQ (the official
 * client unlocks when it shuts down or gives a queue up) or lost when it expires
 * ({@code rebalanceLockMaxLiveTime}, 60 s), so a queue is consumed by one member at a time, also
 * across a rebalance. Not when its connection drops or it unregisters: the client keeps consuming
 * what it pulled for up to 30 s on its own lock, which is why the broker's lives twice as long.
 * Thread-safe (one monitor).
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
        locks.values().removeIf(l -> now - l.renewedMs() > expiryMs); // (else the locks of queues gone stay for good)
        Set<MessageQueueRef> granted = new HashSet<>();
        for (MessageQueueRef q : queues) {
            Lock current = locks.get(q);
            if (current == null || current.clientId().equals(clientId)) {
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
        if (locks.isEmpty()) {
            byGroup.remove(group);
        }
    }

    /** The client holding a live lock on {@code queue}, or null. */
    public synchronized String holder(String group, MessageQueueRef queue) {
        Lock l = byGroup.getOrDefault(group, Map.of()).get(queue);
        return l == null || clock.millis() - l.renewedMs() > expiryMs ? null : l.clientId();
    }
}
