package dev.halfmoon.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up flag between threads: producers {@link #raise()} it, one background loop
 * {@link #await}s it. A raise before the await is not lost. Thread-safe.
 */
public final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private volatile boolean pending;
    private volatile boolean waiting;

    /** Wakes the waiting loop, or makes its next await return at once. Cheap when nobody waits. */
    public void raise() {
        pending = true;
        if (waiting) {
            lock.lock();
            try {
                raised.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits until raised or until {@code timeoutNanos} pass; clears the flag. */
    public void await(long timeoutNanos) throws InterruptedException {
        if (pending) {
            pending = false;
            return;
        }
        lock.lock();
        try {
            waiting = true;
            long left = timeoutNanos;
            while (!pending && left > 0) {
                left = raised.awaitNanos(left);
            }
            pending = false;
        } finally {
            waiting = false;
            lock.unlock();
        }
    }

    /** Waits for at most {@code timeout} of {@code unit}. */
    public void await(long timeout, TimeUnit unit) throws InterruptedException {
        await(unit.toNanos(timeout));
    }
}
