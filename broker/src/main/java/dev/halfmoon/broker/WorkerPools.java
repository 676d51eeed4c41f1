package dev.halfmoon.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's request executors, each bounded: a full queue makes the dispatcher answer
 * SYSTEM_BUSY instead of growing without limit. Threads are named {@code halfmoon-<role>-N}.
 */
final class WorkerPools implements AutoCloseable {
    private final List<ThreadPoolExecutor> pools = new ArrayList<>();

    ThreadPoolExecutor create(String role, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "halfmoon-" + role + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pools.add(pool);
        return pool;
    }

    @Override
    public void close() {
        for (ThreadPoolExecutor p : pools) {
            p.shutdown();
        }
        for (ThreadPoolExecutor p : pools) {
            try {
                if (!p.awaitTermination(5, TimeUnit.SECONDS)) {
                    p.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.shutdownNow();
            }
        }
    }
}
