package dev.halfmoon.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads a push consumer's handlers run on, and how they stop: the messages handlers have are finished before the
 * consumer commits and unlocks, and a handler may close its own consumer (nothing then waits for, or interrupts, the
 * thread it runs on). Thread-safe.
 */
final class HandlerPool {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerPool.class);
    /** Set on every handler pool's threads. */
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

    private final String group;
    private final ExecutorService pool;

    HandlerPool(String group, int threads) {
        this.group = group;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(() -> {
                IN_POOL.set(true);
                r.run();
            }, "halfmoon-consume-" + group + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    ExecutorService executor() {
        return pool;
    }

    /**
     * Takes no more work and waits up to {@code waitMs} for the handlers to finish what they have (not when called from
     * a handler: it cannot wait for the pool it runs on); then interrupts them (their messages are delivered again).
     */
    void finish(long waitMs) {
        pool.shutdown();
        try {
            if (IN_POOL.get()) {
                LOG.debug("consumer {} closed from its own handler", group);
            } else if (!pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("consumer {}: handlers still busy after {} ms; interrupting them (their messages will be "
                        + "delivered again)", group, waitMs);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Ends what is left, except the handler calling this (a handler closing its consumer is not interrupted by it). */
    void close() {
        if (!IN_POOL.get()) {
            pool.shutdownNow();
        }
    }
}
