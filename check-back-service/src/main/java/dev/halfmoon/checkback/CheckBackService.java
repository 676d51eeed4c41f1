package dev.halfmoon.checkback;

import dev.halfmoon.log.ServiceThread;
import dev.halfmoon.log.Signal;
import dev.halfmoon.txn.CheckRequest;
import dev.halfmoon.txn.EndResult;
import dev.halfmoon.txn.PendingListener;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TransactionState;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks producers about transactions whose deadline passed. A loop ({@code halfmoon-check-back})
 * sleeps until the earliest deadline (at most one tick), then handles only the transactions that
 * are due: sends a check-back through the {@link CheckTransport}, records it (counted only if it
 * left), schedules the next one with backoff, or gives the transaction up after the last check.
 * A failure while handling one transaction is logged and counted and touches no other.
 * Thread-safe; one loop thread does the work.
 */
public final class CheckBackService implements PendingListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckBackService.class);
    private static final int MAX_PER_TURN = 10_000;

    private final TransactionCoordinator coordinator;
    private final CheckTransport transport;
    /** Read afresh at each use: an operator may change the check settings while the broker runs. */
    private volatile CheckPolicy policy;
    private final Clock clock;
    private final CheckSchedule schedule = new CheckSchedule();
    private final Signal wake = new Signal();
    private final ServiceThread loop;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    /** Per transaction, the number of the last check counted as unanswered. */
    private final java.util.Map<Long, Integer> countedUnanswered = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * How long the transactions of a producer group found with no producer turn after turn wait to be tried again:
     * doubling from retryMs up to the check interval, so that a group gone for good (its halves by the million, say)
     * does not keep the one check loop busy every 5 s while other groups' checks fall due.
     */
    private final java.util.Map<String, Long> unreachableWait = new java.util.concurrent.ConcurrentHashMap<>();

    public CheckBackService(TransactionCoordinator coordinator, CheckTransport transport, CheckPolicy policy, Clock clock) {
        this.coordinator = coordinator;
        this.transport = transport;
        this.policy = policy;
        this.clock = clock;
        this.loop = new ServiceThread("check-back", this::turn, wake,
                () -> Math.min(this.policy.tickMs(), Math.max(1, schedule.nextDue() - clock.millis())));
    }

    /**
     * Changes the check settings while running: checks already scheduled keep their time, the next ones follow the new
     * settings (the most checks and the longest interval apply to every transaction from its next check on).
     */
    public void policy(CheckPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy);
    }

    /** Schedules every pending transaction and starts the loop. */
    public CheckBackService start() {
        coordinator.index().addListener(this);
        for (PendingTransaction t : coordinator.index().snapshot()) {
            onPending(t);
        }
        loop.start();
        return this;
    }

    @Override
    public void onPending(PendingTransaction t) {
        if (t.state() != TransactionState.PENDING) {
            return;
        }
        long before = schedule.nextDue();
        schedule.schedule(t.halfOffset(), t.nextCheckMs());
        if (t.nextCheckMs() < before) {
            wake.raise();
        }
    }

    @Override
    public void onRemoved(long halfOffset) {
        schedule.cancel(halfOffset);
        countedUnanswered.remove(halfOffset);
    }

    private int turn() {
        long now = clock.millis();
        List<Long> due = schedule.takeDue(now, MAX_PER_TURN);
        Map<String, String> unreachable = new HashMap<>(); // groups found unreachable in this turn, and why
        for (long halfOffset : due) {
            try {
                check(halfOffset, now, unreachable);
            } catch (RuntimeException | Error e) { // (an Error too: what this turn took off the schedule goes back on it)
                failures.incrementAndGet();
                LOG.error("check-back of the transaction at {} failed; retrying later", halfOffset, e);
                try {
                    coordinator.checks().deferCheck(halfOffset, "check failed: " + e, now + policy.retryMs());
                } catch (RuntimeException | Error again) {
                    schedule.schedule(halfOffset, now + policy.retryMs());
                }
            }
        }
        return due.size() == MAX_PER_TURN ? 1 : 0;
    }

    private void check(long halfOffset, long now, Map<String, String> unreachableGroups) {
        Optional<PendingTransaction> pending = coordinator.index().get(halfOffset)
                .filter(p -> p.state() == TransactionState.PENDING);
        if (pending.isEmpty()) {
            return;
        }
        PendingTransaction t = pending.get();
        if (t.checkCount() > 0) {
            countUnanswered(t);
        }
        if (t.checkCount() >= policy.checkMax()) {
            giveUp(t, "after " + t.checkCount() + " check-backs without an answer");
            return;
        }
        // too old: given up, but not without one check if a producer can be asked (an immunity longer than
        // fileReservedTime put its first check past it)
        boolean tooOld = now - t.storeTimestamp() >= policy.maxPendingMs();
        if (tooOld && t.checkCount() > 0) {
            giveUpOld(t, now);
            return;
        }
        String unreachable = unreachable(t, unreachableGroups);
        if (unreachable != null) {
            if (tooOld) {
                giveUpOld(t, now);
            } else {
                deferred.incrementAndGet();
                coordinator.checks().deferCheck(halfOffset, unreachable, now + unreachableWait.getOrDefault(t.producerGroup(),
                        policy.retryDelay(t.timeoutMs())));
            }
            return;
        }
        Optional<CheckRequest> request = coordinator.checks().checkRequest(halfOffset);
        if (request.isEmpty()) { // resolved meanwhile (nothing to do), or its half cannot be read: no producer can be asked
            if (coordinator.index().get(halfOffset).filter(p -> p.state() == TransactionState.PENDING).isPresent()
                    && !coordinator.checks().halfReadable(halfOffset)) {
                giveUp(t, "as its half message at " + halfOffset + " cannot be read (the log is damaged there; the "
                        + "message is lost)");
            }
            return;
        }
        send(request.get(), t, now, tooOld);
    }

    /** Sends the check of {@code t}: counted once recorded; not counted, and tried again, if it could not leave. */
    private void send(CheckRequest request, PendingTransaction t, long now, boolean tooOld) {
        long halfOffset = t.halfOffset();
        long next = now + policy.delayAfter(t.checkCount() + 1, t.timeoutMs());
        coordinator.checks().scheduleNextCheck(halfOffset, next);
        CheckTransport.Delivery delivery = transport.send(request);
        if (!delivery.sent()) {
            if (tooOld) {
                giveUpOld(t, now);
            } else {
                defer(halfOffset, delivery.reason(), now, t);
            }
            return;
        }
        sent.incrementAndGet();
        coordinator.checks().recordCheck(halfOffset, delivery.target(), next).whenComplete((recorded, error) -> {
            if (error != null || !Boolean.TRUE.equals(recorded)) { // (a full disk): not counted, but it did leave, so
                // the next one waits as long as if it had been, not retryMs (every pending one every 5 s otherwise)
                coordinator.checks().deferCheck(halfOffset, "could not record the check-back",
                        Math.max(next, clock.millis() + policy.retryMs()));
            }
        });
    }

    /**
     * Why no check of {@code t}'s group can leave now, or null; asked of the transport once per group and turn. A group
     * with no producer at all waits longer each turn it is found so; busy producers answer soon, and their group is
     * tried again after retryMs.
     */
    private String unreachable(PendingTransaction t, Map<String, String> unreachableGroups) {
        String group = t.producerGroup();
        String why = unreachableGroups.get(group);
        if (why != null) {
            return why;
        }
        why = transport.unreachable(group);
        if (why != null) {
            unreachableGroups.put(group, why);
        }
        if (why != null && transport.absent(group)) {
            unreachableWait.merge(group, policy.retryDelay(t.timeoutMs()),
                    (before, first) -> Math.min(before * 2, Math.max(first, policy.checkIntervalMs())));
        } else {
            unreachableWait.remove(group);
        }
        return why;
    }

    private void giveUpOld(PendingTransaction t, long now) {
        giveUp(t, "after " + (now - t.storeTimestamp()) / 60_000 + " minutes pending (at most fileReservedTime; "
                + t.checkCount() + " check-backs were sent)");
    }

    /** A check that did not leave: not counted, tried again later. */
    private void defer(long halfOffset, String why, long now, PendingTransaction t) {
        deferred.incrementAndGet();
        coordinator.checks().deferCheck(halfOffset, why, now + policy.retryDelay(t.timeoutMs()));
    }

    /** Counts the last check of {@code t} as unanswered: once per check, however often the next is deferred. */
    private void countUnanswered(PendingTransaction t) {
        Integer before = countedUnanswered.put(t.halfOffset(), t.checkCount());
        if (before == null || before != t.checkCount()) {
            unanswered.incrementAndGet();
        }
    }

    private void giveUp(PendingTransaction t, String why) {
        coordinator.giveUp(t.halfOffset()).whenComplete((EndResult r, Throwable error) -> {
            if (error == null && r.applied()) {
                givenUp.incrementAndGet();
                LOG.warn("transaction {} of producer group {} given up {}: rolled back, half copied to "
                        + "TRANS_CHECK_MAX_TIME_TOPIC if readable", t.transactionId(), t.producerGroup(), why);
            } else if (error != null || r.status() == dev.halfmoon.txn.EndStatus.STORE_REFUSED) {
                failures.incrementAndGet();
                coordinator.checks().deferCheck(t.halfOffset(), "give-up failed: " + (error != null ? error : r.message()),
                        clock.millis() + policy.retryMs());
            }
        });
    }

    /** Check-backs sent. */
    public long sentCount() {
        return sent.get();
    }

    /** Check-backs that could not be sent (no live producer) and were deferred. */
    public long deferredCount() {
        return deferred.get();
    }

    /** Check-backs that got no final answer before the next check (or the give-up) was due. */
    public long unansweredCount() {
        return unanswered.get();
    }

    /** Transactions given up. */
    public long givenUpCount() {
        return givenUp.get();
    }

    /** Failures while handling a transaction. */
    public long failureCount() {
        return failures.get();
    }

    /** Transactions with a scheduled check. */
    public int scheduled() {
        return schedule.size();
    }

    @Override
    public void close() {
        loop.close();
    }
}
