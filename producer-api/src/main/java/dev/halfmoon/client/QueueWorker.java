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
 * order, and moves its offset past each once it is done, so a crash redelivers rather than loses. Failed messages go back
 * to the broker for redelivery; an ordered queue, and a broadcasting member, try them again here instead, a second
 * apart, without holding a pool thread meanwhile.
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
            case ResponseCode.SUCCESS -> consume(e, WireCodec.records(r.body(), queue.brokerName(), s.tags()), 0, 0, next);
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

    /** What became of one try at a message. */
    private enum Try { DONE, AGAIN_LATER, STOPPED }

    /**
     * Consumes a batch from {@code index} on, message by message on a pool thread; queues are consumed in parallel with
     * each other. The offset moves past each message once it is done (committed within a second), so a member that
     * stops or loses the queue mid-batch leaves only the message in hand to be delivered again. A message to be tried
     * again a second later frees the thread meanwhile ({@code failures}: its failed tries so far), so queues stuck on
     * failing messages do not hold the pool from the others. Past the batch, {@code next} is where pulling goes on.
     */
    private void consume(long e, List<MessageView> messages, int index, int failures, long next) {
        int failed = failures;
        for (int i = index; i < messages.size(); i++) {
            if (!live(e)) {
                // stopped or reset: nothing further; an ordered queue that lost its lock goes on from this message
                // (what it skipped is not committed past) once it holds the lock again
                if (running && e == epoch.get()) {
                    pullLoop(e);
                }
                return;
            }
            MessageView m = messages.get(i);
            Try outcome;
            // the message is tried and the offset moved past it under the consume lock, whose holder is checked live
            // inside it: once stop() or reset() has returned and the lock is seen free, no thread of the old run
            // handles a message of this queue any more (an ordered queue can then be unlocked for another member)
            consuming.lock();
            try {
                outcome = !live(e) ? Try.STOPPED : tryOnce(m, failed);
                if (outcome == Try.DONE && !advance(e, m.queueOffset() + 1, true)) {
                    return; // reset meanwhile: the new position's own loop goes on
                }
            } finally {
                consuming.unlock();
            }
            if (outcome == Try.STOPPED) {
                if (running && e == epoch.get()) {
                    pullLoop(e);
                }
                return;
            }
            if (outcome == Try.AGAIN_LATER) {
                int from = i;
                int tries = failed + 1;
                CompletableFuture.delayedExecutor(1000, TimeUnit.MILLISECONDS, s.pool()).execute(() -> resume(e, messages,
                        from, tries, next));
                return;
            }
            failed = 0;
        }
        if (running && advance(e, next, false)) {
            pullLoop(e);
        }
    }

    private void resume(long e, List<MessageView> messages, int index, int failures, long next) {
        try {
            consume(e, messages, index, failures, next);
        } catch (Throwable t) { // (a handler's Error): never end the loop silently
            LOG.error("consuming {} at offset {} failed; pulling again in 1 s", queue, nextOffset, t);
            later(e, 1000);
        }
    }

    /**
     * One try at {@code m}, which failed {@code failures} times here before. Concurrent mode: on failure hand it back to
     * the broker for redelivery; if that fails, try again later, running the handler again at most as often as the
     * message would be redelivered, then only the hand-back (its side effects are not repeated without bound).
     * Ordered mode: again later here (keeping order); after the maximum, dead-letter it and move on. Broadcasting: again
     * later here up to the maximum, then skip it (a broadcasting group has no retry or dead-letter topic).
     */
    private Try tryOnce(MessageView m, int failures) {
        if (m.bodyProblem() != null) {
            return unreadable(m);
        }
        int max = s.maxReconsumeTimes();
        if (s.ordered()) {
            if (succeeded(m) || (max >= 0 && failures >= max && deadLetter(m))) {
                return Try.DONE;
            }
            return Try.AGAIN_LATER;
        }
        if (s.broadcasting()) {
            int limit = max >= 0 ? max : 16;
            if (succeeded(m)) {
                return Try.DONE;
            }
            if (failures >= limit) {
                LOG.error("broadcast message {} of {} failed {} times; this member skips it (a broadcasting group has no "
                        + "retry or dead-letter topic)", m.messageId(), queue, failures + 1);
                return Try.DONE;
            }
            return Try.AGAIN_LATER;
        }
        int runs = max >= 0 ? max + 1 : 17;
        if (failures < runs && succeeded(m)) {
            return Try.DONE;
        }
        try {
            s.wire().sendBack(m, 0, max);
            return Try.DONE;
        } catch (ClientException.Rejected refused) {
            // the broker will not take it back (as RocketMQ's client does then: a copy to the retry topic instead)
            try {
                s.wire().resend(m, max);
                return Try.DONE;
            } catch (RuntimeException ex) {
                LOG.warn("cannot hand {} back ({}) nor re-send it for redelivery ({}); again in 1 s", m.messageId(),
                        refused.getMessage(), ex.getMessage());
                return Try.AGAIN_LATER;
            }
        } catch (RuntimeException ex) {
            LOG.warn("cannot hand {} back for redelivery ({}); {} in 1 s", m.messageId(), ex.getMessage(),
                    failures + 1 < runs ? "trying it here again" : "trying the hand-back again");
            return Try.AGAIN_LATER;
        }
    }

    /**
     * A message whose body this client cannot read: no handler could do better on a redelivery, so it goes straight to
     * the group's dead-letter queue, stored as it was (a broadcasting member, which has none, skips it), and the queue
     * goes on.
     */
    private Try unreadable(MessageView m) {
        if (s.broadcasting()) {
            LOG.error("message {} of {} at offset {}: {}; this broadcasting member skips it", m.messageId(), queue,
                    m.queueOffset(), m.bodyProblem());
            return Try.DONE;
        }
        if (!deadLetter(m)) {
            return Try.AGAIN_LATER;
        }
        LOG.error("message {} of {} at offset {}: {}; sent to the group's dead-letter queue as stored", m.messageId(),
                queue, m.queueOffset(), m.bodyProblem());
        return Try.DONE;
    }

    private boolean succeeded(MessageView m) {
        try {
            return s.handler().handle(m) == ConsumeResult.SUCCESS;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // (an AssertionError or a missing class fails this message, not the queue)
            LOG.warn("handler failed on {} of {}; it will be redelivered", m.messageId(), queue, e);
            return false;
        } finally {
            // a handler that restored an interrupt leaves it to this pool thread; the pool interrupts its threads only
            // when the consumer stops
            if (running && Thread.interrupted()) {
                LOG.debug("the handler left its thread interrupted on {}; cleared", m.messageId());
            }
        }
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

    private void later(long e, long ms) {
        CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS).execute(() -> pullLoop(e));
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

    /** The commit of {@code offset} failed: the next {@link #takeCommit()} takes it again, unless a later one came. */
    synchronized void commitFailed(long offset) {
        if (committed == offset) {
            committed = -1;
        }
    }

    long nextOffset() {
        return nextOffset;
    }

    void stop() {
        running = false;
    }
}
