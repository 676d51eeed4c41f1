package dev.halfmoon.broker.txn;

import dev.halfmoon.remoting.RemotingChannel;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The check-backs each producer connection has not answered yet, so that none is sent more than it can
 * queue. The official {@code TransactionMQProducer} runs check-backs on one thread behind a queue of
 * {@code checkRequestHoldMax} (2 000) and drops, unanswered, what does not fit; a dropped check still
 * counts toward giving the transaction up. After a restart, or while the producers were away, every
 * deferred check falls due at once: without a window they all went to the first producer to reconnect.
 * A check leaves the window when its producer answers it (any END for its half on that connection), when its
 * transaction leaves the pending set however it was resolved (an END on another connection, behind a NAT say; an
 * operator; a give-up), or after {@code expireMs} (an answer lost, or a check the application never finished). Thread-safe; places
 * are taken by the check-back thread only.
 */
public final class CheckWindow implements dev.halfmoon.txn.PendingListener {
    /**
     * Default size: a quarter of the official client's queue, which is one per producer instance for all the brokers
     * it talks to, so that four brokers sending their whole windows at once still fit.
     */
    public static final int DEFAULT_SIZE = 500;
    static final long EXPIRE_MS = 60_000;

    private final int size;
    private final long expireMs;
    private final Clock clock;
    /** One connection's checks: half offset → when its check left, ms; and when the oldest of them expires. */
    private static final class Sent {
        final Map<Long, Long> atMs = new ConcurrentHashMap<>();
        volatile long firstExpiryMs;
    }

    private final Map<RemotingChannel, Sent> outstanding = new ConcurrentHashMap<>();

    public CheckWindow(int size, Clock clock) {
        this(size, EXPIRE_MS, clock);
    }

    CheckWindow(int size, long expireMs, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("transactionCheckWindow must be at least 1, was " + size);
        }
        this.size = size;
        this.expireMs = expireMs;
        this.clock = clock;
    }

    /** Takes a place for the check of {@code halfOffset} on {@code channel}; false if its window is full. */
    boolean take(RemotingChannel channel, long halfOffset) {
        Sent sent = outstanding.get(channel);
        if (sent == null) {
            outstanding.keySet().removeIf(c -> !c.isActive()); // a new connection: forget closed ones
            sent = outstanding.computeIfAbsent(channel, c -> new Sent());
        }
        if (!hasRoom(channel)) {
            return false;
        }
        long now = clock.millis();
        if (sent.atMs.isEmpty()) {
            sent.firstExpiryMs = now + expireMs;
        }
        sent.atMs.put(halfOffset, now);
        return true;
    }

    /**
     * Whether {@code channel} may be sent one more check now. A full window forgets its expired checks, at
     * most once per expiry of its oldest: a full window is asked once per due check, many per second.
     */
    boolean hasRoom(RemotingChannel channel) {
        Sent sent = outstanding.get(channel);
        if (sent == null || sent.atMs.size() < size) {
            return true;
        }
        long now = clock.millis();
        if (now < sent.firstExpiryMs) {
            return false;
        }
        sent.atMs.values().removeIf(at -> now - at >= expireMs);
        sent.firstExpiryMs = sent.atMs.values().stream().mapToLong(Long::longValue).min().orElse(now) + expireMs;
        return sent.atMs.size() < size;
    }

    /** An END for the half at {@code halfOffset} came on {@code channel}: its check, if any, is answered. */
    public void answered(RemotingChannel channel, long halfOffset) {
        Sent sent = outstanding.get(channel);
        if (sent != null) {
            sent.atMs.remove(halfOffset);
        }
    }

    @Override
    public void onPending(dev.halfmoon.txn.PendingTransaction transaction) {
        // (a check takes its place when it is sent)
    }

    /** Its transaction left the pending set, however: its check, on whichever connection, needs no answer now. */
    @Override
    public void onRemoved(long halfOffset) {
        for (Sent sent : outstanding.values()) {
            sent.atMs.remove(halfOffset);
        }
    }

    /** The window's size. */
    public int size() {
        return size;
    }
}
