package dev.halfmoon.client;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.ResponseCode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one queue: pulls (long polling), hands each message of a batch to the handler in queue
 * order, and only then moves its offset past the batch, so a crash redelivers rather than loses. Failed messages go back to
 * the broker for redelivery; an ordered queue, and a broadcasting member, retry in place instead.
 * Confined to one chain of futures at a time; {@link #stop} is thread-safe.
 */
final class QueueWorker {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    private static final long SUSPEND_MS = 15_000;

    /** What a worker needs from its consumer. */
    record Settings(ConsumerWire wire, MessageHandler handler, ExecutorService pool, boolean ordered,
                    int maxReconsumeTimes, String subscription, Set<String> tags, boolean broadcasting) {
    }

    private final QueueRef queue;
    private final Settings s;
    private volatile long nextOffset;
    private volatile long committed = -1;
    private volatile boolean running = true;
    private volatile boolean paused;
    /** Held while the handler has a message of this queue: one at a time, also across a reset, and stop waits for it. */
    private final java.util.concurrent.locks.ReentrantLock consuming = new java.util.concurrent.locks.ReentrantLock();
    /** Moves on at each reset of the offset: pulls and batches of an earlier epoch are dropped. */
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

    QueueWorker(QueueRef queue, long startOffset, Settings settings) {
        this.queue = queue;
        this.nextOffset = startOffset;
        this.s = settings;
    }

    QueueRef queue() {
        return queue;
    }

    void start() {
        pullLoop(epoch.get());
    }

    /**
     * The group's offset on this queue was reset (by an operator: mqadmin resetOffsetByTime, halfmoon-admin group
     * reset). The batch in hand and the pull in flight are dropped, and pulling starts again from {@code offset}.
     */
    void reset(long offset) {
        long e;
        synchronized (this) {
            e = epoch.incrementAndGet();
            nextOffset = offset;
            committed = -1; // committed again within a second, over any older commit still on its way
        }
        LOG.info("offset of {} reset to {}", queue, offset);
        pullLoop(e);
    }

    /** Moves the offset to {@code offset} (or past it, {@code atLeast}) if no reset came since {@code e} began. */
    private synchronized boolean advance(long e, long offset, boolean atLeast) {
        if (e != epoch.get()) {
            return false;
        }
        nextOffset = atLeast ? Math.max(nextOffset, offset) : offset;
        return true;
    }

    /** Ordered queues stop pulling, and consuming, while their lock is not held. */
    void pause(boolean pause) {
        paused = pause;
    }

    /** Whether the handler has none of this queue's messages now. */
    boolean idle() {
        return !consuming.isLocked();
    }

    /**
     * Whether work begun in epoch {@code e} may go on: not stopped, not reset since, and, for an ordered queue, its lock
     * still held (another member may have it now).
     */
    private boolean live(long e) {
        return running && e == epoch.get() && !(s.ordered() && paused);
    }

    /** One pull and what follows, while {@code e} is the epoch; a reset starts a loop of its own. */
    private void pullLoop(long e) {
        if (!running || e != epoch.get()) {
            return;
        }
        if (paused) {
            later(e, 500);
            return;
        }
        CompletableFuture<RemotingCommand> pull;
        try {
            pull = s.wire().pull(queue, nextOffset, 32, committed, SUSPEND_MS, s.subscription());
        } catch (RuntimeException ex) {
            LOG.debug("pull of {} failed: {}", queue, ex.getMessage());
            later(e, 1000);
            return;
        }
        pull.whenCompleteAsync((r, error) -> {
            if (!running || e != epoch.get()) {
                return; // stopped, or reset while this pull was out: what it brought is from before
            }
            if (error != null) {
                LOG.debug("pull of {} failed: {}", queue, error.getMessage());
                later(e, 1000);
                return;
            }
            try {
                handle(e, r);
            } catch (Throwable t) { // (a batch that cannot be decoded, a handler's Error): never end the loop silently
                LOG.error("consuming {} at offset {} failed; pulling again in 1 s", queue, nextOffset, t);
                later(e, 1000);
            }
        }, s.pool());
    }

    private void handle(long e, RemotingCommand r) {
        long next = r.ext("nextBeginOffset") == null ? nextOffset : Long.parseLong(r.ext("nextBeginOffset"));
        switch (r.code()) {
            case ResponseCode.SUCCESS -> {
                List<MessageView> messages = WireCodec.records(r.body(), queue.brokerName(), s.tags());
                boolean whole = process(e, messages);
                // stopped within the batch: what it skipped must not be committed past; an ordered queue that lost its
                // lock goes on from the message it stopped at once it holds the lock again
                if (running && (whole ? advance(e, next, false) : e == epoch.get())) {
                    pullLoop(e);
                }
            }
            case ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY -> {
                if (advance(e, next, false)) {
                    pullLoop(e);
                }
            }
            case ResponseCode.PULL_OFFSET_MOVED -> {
                LOG.info("offset {} of {} moved to {}", nextOffset, queue, next);
                if (advance(e, next, false)) {
                    pullLoop(e);
                }
            }
            default -> {
                LOG.warn("pull of {} refused ({}): {}", queue, r.code(), r.remark());
                later(e, 1000);
            }
        }
    }

    /**
     * One batch, message by message on this pool thread; queues are consumed in parallel with each other. The offset
     * moves past each message once it is done (committed within a second), so a member that stops or loses the queue
     * in the middle of a batch leaves only the message in hand to be delivered again, not the rest of the batch.
     */
    /** @return whether every message of the batch was done with */
    private boolean process(long e, List<MessageView> messages) {
        for (MessageView m : messages) {
            if (!live(e)) {
                return false; // reset (the rest of the batch is from before it), stopped, or an ordered queue's lock lost
            }
            boolean done = s.ordered() ? consumeInOrder(e, m) : consumeOnce(e, m);
            if (!done || !advance(e, m.queueOffset() + 1, true)) {
                return false; // stopped (this one and the rest are delivered again), or reset meanwhile
            }
        }
        return true;
    }

    private boolean succeeded(MessageView m) {
        consuming.lock();
        try {
            return s.handler().handle(m) == ConsumeResult.SUCCESS;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // (an AssertionError or a missing class fails this message, not the queue)
            LOG.warn("handler failed on {} of {}; it will be redelivered", m.messageId(), queue, e);
            return false;
        } finally {
            // a handler that restored an interrupt leaves it to this pool thread, whose waits would all end at once
            // (retries a second apart would spin); the pool interrupts its threads only when the consumer stops
            if (running && Thread.interrupted()) {
                LOG.debug("the handler left its thread interrupted on {}; cleared", m.messageId());
            }
            consuming.unlock();
        }
    }

    /**
     * Concurrent mode: on failure hand the message back; if that fails too, retry here until one works. A
     * broadcasting member retries in place instead: the group's retry topic is read by no broadcasting member.
     */
    private boolean consumeOnce(long e, MessageView m) {
        if (s.broadcasting()) {
            return consumeInPlace(e, m);
        }
        // the handler runs again here while the hand-back fails, at most as often as the message would be redelivered;
        // after that only the hand-back is tried (a failing message's side effects are not repeated without bound)
        int runs = s.maxReconsumeTimes() >= 0 ? s.maxReconsumeTimes() + 1 : 17;
        boolean failed = false;
        for (int attempt = 0; live(e); attempt++) {
            if (!failed || attempt < runs) {
                if (succeeded(m)) {
                    return true;
                }
                failed = true;
            }
            try {
                s.wire().sendBack(m, 0, s.maxReconsumeTimes());
                return true;
            } catch (RuntimeException ex) {
                LOG.warn("cannot hand {} back for redelivery ({}); {} in 1 s", m.messageId(), ex.getMessage(),
                        attempt + 1 < runs ? "retrying it here" : "trying the hand-back again");
                sleep(1000);
            }
        }
        return false;
    }

    /** Ordered mode: retry in place (keeping order); after the maximum, dead-letter it and move on. */
    private boolean consumeInOrder(long e, MessageView m) {
        return retryInPlace(e, m, s.maxReconsumeTimes(), this::deadLetter);
    }

    private boolean deadLetter(MessageView m) {
        try {
            s.wire().sendBack(m, -1, s.maxReconsumeTimes());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot dead-letter {}: {}", m.messageId(), e.getMessage());
            return false;
        }
    }

    /** Broadcasting mode: retry in place up to the maximum reconsume times, then give up on it. */
    private boolean consumeInPlace(long e, MessageView m) {
        int max = s.maxReconsumeTimes() >= 0 ? s.maxReconsumeTimes() : 16;
        return retryInPlace(e, m, max, failed -> {
            LOG.error("broadcast message {} of {} failed {} times; this member skips it (a broadcasting group has no "
                    + "retry or dead-letter topic)", failed.messageId(), queue, max + 1);
            return true;
        });
    }

    /**
     * Retries {@code m} here, a second apart, keeping the queue's order; once it has failed {@code max} times
     * (never if negative) each further failure asks {@code exhausted} whether to stop trying.
     *
     * @return whether the message is done with (consumed, or given up on); false if the worker stopped, was reset
     *         or lost its queue's lock first
     */
    private boolean retryInPlace(long e, MessageView m, int max, java.util.function.Predicate<MessageView> exhausted) {
        for (int attempt = 0; live(e); attempt++) {
            if (succeeded(m)) {
                return true;
            }
            if (max >= 0 && attempt >= max && exhausted.test(m)) {
                return true;
            }
            sleep(1000);
        }
        return false;
    }

    private void later(long e, long ms) {
        CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS).execute(() -> pullLoop(e));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The offset to commit, or -1 if unchanged since the last commit. */
    synchronized long takeCommit() {
        long next = nextOffset;
        if (next == committed) {
            return -1;
        }
        committed = next;
        return next;
    }

    long nextOffset() {
        return nextOffset;
    }

    void stop() {
        running = false;
    }
}
