package dev.halfmoon.broker.pull;

import dev.halfmoon.log.DispatchListener;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.ServiceThread;
import dev.halfmoon.log.Signal;
import dev.halfmoon.log.TopicQueue;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.ResponseCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Held pulls (long polling). A pull that found nothing waits here until its queue grows or its
 * hold time passes, then is read again and answered. After each dispatch turn the dispatch thread
 * itself answers the pulls its records satisfy (no hand-off to another thread per turn; with more
 * than 64 held pulls it hands the check off, so as not to hold up dispatch);
 * {@code halfmoon-pull-hold} answers the rest when their batch window ends, and checks deadlines
 * every 100 ms. While messages keep arriving, a consumer group's pulls on
 * one queue are answered at most once per batch window: a consumer that is keeping up then gets a
 * few messages per pull instead of one (measured: 30 % less broker and client CPU per transaction,
 * see BENCHMARKS.md); a pull whose queue was not answered within the window, such as an idle
 * queue's first message, is answered at once. Checks run one at a time (either thread); {@link #hold}
 * is thread-safe.
 */
public final class PullHolds implements DispatchListener, AutoCloseable {
    /**
     * A held pull. With a tag filter, {@code seenTo} is how far its queue was looked at and found to hold nothing it
     * wants (entries its consumer filters out do not wake it: it goes on waiting, as RocketMQ's holds do).
     */
    private static final class Held {
        final PullRequest request;
        final long deadlineMs;
        final Supplier<PullOutcome> reread;
        final CompletableFuture<PullOutcome> answer;
        final LongPredicate filter;
        long seenTo;

        Held(PullRequest request, long deadlineMs, Supplier<PullOutcome> reread, CompletableFuture<PullOutcome> answer,
             LongPredicate filter) {
            this.request = request;
            this.deadlineMs = deadlineMs;
            this.reread = reread;
            this.answer = answer;
            this.filter = filter;
            this.seenTo = request.queueOffset();
        }
    }

    /** Up to this many held pulls, the dispatch thread checks them itself after a turn. */
    private static final int INLINE_CHECK_MAX_HELD = 64;
    /** Every held pull is looked at this often, for its deadline; in between only the pulls on queues that are due. */
    private static final long DEADLINE_SCAN_MS = 100;
    /** Held pulls by queue; a queue without any has no entry (changed under the map's lock for that key). */
    private final ConcurrentHashMap<TopicQueue, ConcurrentLinkedQueue<Held>> held = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    /** Queues the next check looks at: grown in a dispatch turn, newly held on, or with a batch window ending. */
    private final Set<TopicQueue> due = ConcurrentHashMap.newKeySet();
    /** When the next check looks at every held pull (under this object's lock). */
    private long nextDeadlineScanMs;
    private final Signal arrived = new Signal();
    private final Clock clock;
    private final ServiceThread thread;
    private volatile LogStore store;
    private volatile boolean closed;
    private final long batchWindowNanos;
    /** When each group's pull on each queue was last answered because the queue grew (under this object's lock). */
    private final Map<Stream, Long> lastAnswered = new HashMap<>();
    /** The streams answered in the current check (under this object's lock). */
    private final Set<Stream> answeredNow = new HashSet<>();
    private volatile long nextWindowEndsInNanos = Long.MAX_VALUE;
    /** When the pull-hold thread's current wait ends, System.nanoTime(). */
    private volatile long pullHoldWakesAtNanos;

    /**
     * One consumer group's pulls on one queue. Broadcasting members of a group all pull every queue: the pulls of a
     * stream held when it is answered are all answered in that pass, not one per window.
     */
    private record Stream(String group, String topic, int queueId) {
    }

    /**
     * @param batchWindowMicros while messages keep arriving, held pulls are answered at most once per
     *                          this window: under load each answer carries more messages (fewer pulls
     *                          for broker and consumer), when idle the first message is answered at once
     */
    public PullHolds(Clock clock, long batchWindowMicros) {
        this.clock = clock;
        this.batchWindowNanos = batchWindowMicros * 1000;
        this.thread = new ServiceThread("pull-hold", this::check, arrived, this::idleMs);
    }

    /** Starts answering held pulls; needs the store to see queue ends. */
    public void start(LogStore logStore) {
        this.store = logStore;
        thread.start();
    }

    /** @param filter the tags codes the pull's consumer wants, null for all */
    CompletableFuture<PullOutcome> hold(PullRequest request, long holdMs, Supplier<PullOutcome> reread, LongPredicate filter) {
        CompletableFuture<PullOutcome> answer = new CompletableFuture<>();
        Held h = new Held(request, clock.millis() + holdMs, reread, answer, filter);
        if (closed) {
            answer(h);
            return answer;
        }
        TopicQueue queue = new TopicQueue(request.topic(), request.queueId());
        held.compute(queue, (k, pulls) -> {
            ConcurrentLinkedQueue<Held> p = pulls == null ? new ConcurrentLinkedQueue<>() : pulls;
            p.add(h);
            return p;
        });
        count.incrementAndGet();
        due.add(queue); // (its queue may have grown since the pull read it)
        arrived.raise();
        if (closed && remove(queue, h)) {
            answer(h);
        }
        return answer;
    }

    /** Takes {@code h} off its queue's list, dropping the list once empty; false if it was taken already. */
    private boolean remove(TopicQueue queue, Held h) {
        boolean[] removed = {false};
        held.computeIfPresent(queue, (k, pulls) -> {
            removed[0] = pulls.remove(h);
            return pulls.isEmpty() ? null : pulls;
        });
        if (removed[0]) {
            count.decrementAndGet();
        }
        return removed[0];
    }

    /** Number of pulls waiting. */
    public int size() {
        return count.get();
    }

    /** Until the earliest batch window ends (at least 1 ms), else 100 ms for deadlines. */
    private long idleMs() {
        long nanos = nextWindowEndsInNanos;
        long ms = nanos == Long.MAX_VALUE ? 100 : Math.max(1, Math.min(100, nanos / 1_000_000));
        pullHoldWakesAtNanos = System.nanoTime() + ms * 1_000_000;
        return ms;
    }

    private synchronized int check() {
        long now = clock.millis();
        boolean everyQueue = now >= nextDeadlineScanMs;
        if (everyQueue) {
            nextDeadlineScanMs = now + DEADLINE_SCAN_MS;
        }
        long nowNanos = System.nanoTime();
        long nextWindowEnd = Long.MAX_VALUE;
        answeredNow.clear(); // (every held pull of a stream answered in this pass: broadcasting members)
        List<TopicQueue> waiting = null;
        // (the concurrent views are walked as they are, no copy: this runs after every dispatch turn under load)
        for (TopicQueue queue : everyQueue ? held.keySet() : due) {
            due.remove(queue); // before looking: a pull held or a record dispatched meanwhile makes it due again
            ConcurrentLinkedQueue<Held> pulls = held.get(queue);
            if (pulls == null) {
                continue;
            }
            long windowEnd = check(queue, pulls, now, nowNanos);
            if (windowEnd != Long.MAX_VALUE) {
                waiting = waiting == null ? new ArrayList<>() : waiting;
                waiting.add(queue);
                nextWindowEnd = Math.min(nextWindowEnd, windowEnd);
            }
        }
        if (waiting != null) { // (after the walk: added during it, they could be looked at twice in one check)
            due.addAll(waiting);
        }
        nextWindowEndsInNanos = nextWindowEnd;
        if (nextWindowEnd != Long.MAX_VALUE && nowNanos + nextWindowEnd - pullHoldWakesAtNanos < 0) {
            arrived.raise(); // a window ends before the pull-hold thread would look again: it waits anew
        }
        if (lastAnswered.size() > 2 * count.get() + 64) {
            lastAnswered.values().removeIf(t -> nowNanos - t >= batchWindowNanos);
        }
        return 0;
    }

    /**
     * Answers the pulls held on {@code queue} that its growth or their deadline lets go.
     *
     * @return in how many nanoseconds the batch window of a pull left waiting on it ends, or Long.MAX_VALUE
     */
    private long check(TopicQueue queue, ConcurrentLinkedQueue<Held> pulls, long now, long nowNanos) {
        LogStore s = store;
        long max = s.maxQueueOffset(queue.topic(), queue.queueId());
        long windowEnd = Long.MAX_VALUE;
        for (Held h : pulls) {
            PullRequest r = h.request;
            // its queue is shorter than where it waits: dropped (its topic deleted, maybe made again): answered now
            boolean shrunk = max < h.seenTo;
            boolean grown = max > h.seenTo;
            if (grown && h.filter != null && now < h.deadlineMs
                    && !s.anyTagMatch(r.topic(), r.queueId(), h.seenTo, max, h.filter)) {
                h.seenTo = max; // only messages its consumer filters out: it waits on
                grown = false;
            }
            if (!grown && !shrunk && now < h.deadlineMs) {
                continue;
            }
            if (grown && now < h.deadlineMs && batchWindowNanos > 0) {
                Stream stream = new Stream(r.group(), r.topic(), r.queueId());
                Long last = lastAnswered.get(stream);
                if (last != null && nowNanos - last < batchWindowNanos && !answeredNow.contains(stream)) {
                    windowEnd = Math.min(windowEnd, batchWindowNanos - (nowNanos - last));
                    continue;
                }
                lastAnswered.put(stream, nowNanos);
                answeredNow.add(stream);
            }
            if (remove(queue, h)) {
                answer(h);
            }
        }
        return windowEnd;
    }

    private static void answer(Held h) {
        try {
            h.answer.complete(h.reread.get());
        } catch (RuntimeException e) {
            h.answer.complete(new PullOutcome(ResponseCode.SYSTEM_ERROR, "pull failed: " + e, 0, 0, 0, java.util.List.of()));
        }
    }

    @Override
    public void onRecord(RecordView record, long commitLogOffset) {
        // woken once per dispatch turn instead
    }

    @Override
    public void onDispatched(long dispatchedOffset, Set<TopicQueue> grown) {
        if (count.get() == 0) {
            return;
        }
        boolean any = false;
        for (TopicQueue queue : grown) {
            if (held.containsKey(queue)) {
                due.add(queue);
                any = true;
            }
        }
        if (!any) {
            return;
        }
        if (store != null && count.get() < INLINE_CHECK_MAX_HELD) {
            check(); // on the dispatch thread: the queues just grew
        } else {
            arrived.raise(); // many held pulls: answering them here would hold up the next dispatch turn
        }
    }

    /** Answers every held pull now, and any new one at once (shutdown), and stops. */
    @Override
    public void close() {
        closed = true;
        thread.close();
        for (ConcurrentLinkedQueue<Held> pulls : held.values()) {
            for (Held h; (h = pulls.poll()) != null; ) {
                count.decrementAndGet();
                answer(h);
            }
        }
    }
}
