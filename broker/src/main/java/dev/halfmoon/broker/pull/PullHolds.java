package dev.halfmoon.broker.pull;

import dev.halfmoon.log.DispatchListener;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.ServiceThread;
import dev.halfmoon.log.Signal;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.ResponseCode;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Held pulls (long polling). A pull that found nothing waits here until its queue grows or its
 * hold time passes, then is read again and answered. Woken by the dispatcher after each dispatch
 * turn, and every 100 ms for deadlines. While messages keep arriving, rounds that answer grown
 * queues are at least a batch window apart: a consumer that is keeping up then gets a few messages
 * per pull instead of one (measured: 30 % less broker and client CPU per transaction, see
 * BENCHMARKS.md), and an idle queue's first message is still answered at once. Runs on {@code halfmoon-pull-hold}; {@link #hold} is
 * thread-safe.
 */
public final class PullHolds implements DispatchListener, AutoCloseable {
    private record Held(PullRequest request, long deadlineMs, Supplier<PullOutcome> reread,
                        CompletableFuture<PullOutcome> answer) {
    }

    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final Signal arrived = new Signal();
    private final Clock clock;
    private final ServiceThread thread;
    private volatile LogStore store;
    private volatile boolean closed;
    private final long batchWindowNanos;
    private long lastGrownRound;

    /**
     * @param batchWindowMicros while messages keep arriving, held pulls are answered at most once per
     *                          this window: under load each answer carries more messages (fewer pulls
     *                          for broker and consumer), when idle the first message is answered at once
     */
    public PullHolds(Clock clock, long batchWindowMicros) {
        this.clock = clock;
        this.batchWindowNanos = batchWindowMicros * 1000;
        this.lastGrownRound = System.nanoTime() - batchWindowNanos;
        this.thread = new ServiceThread("pull-hold", this::check, arrived, 100);
    }

    /** Starts answering held pulls; needs the store to see queue ends. */
    public void start(LogStore logStore) {
        this.store = logStore;
        thread.start();
    }

    CompletableFuture<PullOutcome> hold(PullRequest request, long holdMs, Supplier<PullOutcome> reread) {
        CompletableFuture<PullOutcome> answer = new CompletableFuture<>();
        Held h = new Held(request, clock.millis() + holdMs, reread, answer);
        if (closed) {
            answer(h);
            return answer;
        }
        held.add(h);
        arrived.raise();
        if (closed && held.remove(h)) {
            answer(h);
        }
        return answer;
    }

    /** Number of pulls waiting. */
    public int size() {
        return held.size();
    }

    private int check() {
        long sinceLast = System.nanoTime() - lastGrownRound;
        if (sinceLast < batchWindowNanos && !closed) {
            LockSupport.parkNanos(batchWindowNanos - sinceLast);
        }
        LogStore s = store;
        long now = clock.millis();
        boolean answeredGrown = false;
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            boolean grown = s.maxQueueOffset(h.request().topic(), h.request().queueId()) > h.request().queueOffset();
            if (grown || now >= h.deadlineMs()) {
                it.remove();
                answer(h);
                answeredGrown |= grown;
            }
        }
        if (answeredGrown) {
            lastGrownRound = System.nanoTime();
        }
        return 0;
    }

    private static void answer(Held h) {
        try {
            h.answer().complete(h.reread().get());
        } catch (RuntimeException e) {
            h.answer().complete(new PullOutcome(ResponseCode.SYSTEM_ERROR, "pull failed: " + e, 0, 0, 0, java.util.List.of()));
        }
    }

    @Override
    public void onRecord(RecordView record, long commitLogOffset) {
        // woken once per dispatch turn instead
    }

    @Override
    public void onDispatched(long dispatchedOffset) {
        if (!held.isEmpty()) {
            arrived.raise();
        }
    }

    /** Answers every held pull now, and any new one at once (shutdown), and stops. */
    @Override
    public void close() {
        closed = true;
        thread.close();
        for (Held h; (h = held.poll()) != null; ) {
            answer(h);
        }
    }
}
