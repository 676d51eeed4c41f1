package dev.halfmoon.log;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named background loop ({@code halfmoon-<role>}) that does a bounded unit of work per turn and
 * waits on a {@link Signal} (or for {@code idleMs}) when a turn did nothing. An exception in a turn
 * is counted and logged with the role (the same failure again only once a minute, with how often it came: a full
 * disk must not fill the log with stack traces), and the loop goes on after a pause that grows from 100 ms to 1 s
 * while turns keep failing. Thread-safe
 * start and close; the work itself runs only on the loop's thread.
 */
public final class ServiceThread implements AutoCloseable {
    /** One turn of work. */
    @FunctionalInterface
    public interface Work {
        /**
         * Does a bounded amount of work.
         *
         * @return how much was done; 0 makes the loop wait for the signal or the idle period
         */
        int doWork() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceThread.class);

    private final String role;
    private final Work work;
    private final Signal signal;
    private final java.util.function.LongSupplier idleMs;
    private final Thread thread;
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean running;
    /** The loop thread's: the last failure logged, when, how often it came again since, failed turns in a row. */
    private String lastFailure;
    private long lastLoggedNanos;
    private long repeats;
    private int failedInARow;

    /**
     * @param role   short name; the thread is called {@code halfmoon-<role>}
     * @param work   the turn
     * @param signal raised to wake the loop early
     * @param idleMs how long to wait after an idle turn, ms
     */
    public ServiceThread(String role, Work work, Signal signal, long idleMs) {
        this.role = Objects.requireNonNull(role);
        this.work = Objects.requireNonNull(work);
        this.signal = Objects.requireNonNull(signal);
        if (idleMs < 0) {
            throw new IllegalArgumentException("idleMs must not be negative: " + idleMs);
        }
        this.idleMs = () -> idleMs;
        this.thread = new Thread(this::loop, "halfmoon-" + role);
        this.thread.setDaemon(true);
    }

    /**
     * A loop whose wait after an idle turn is computed each time (for example, until the next
     * deadline), in ms.
     */
    public ServiceThread(String role, Work work, Signal signal, java.util.function.LongSupplier idleMs) {
        this.role = Objects.requireNonNull(role);
        this.work = Objects.requireNonNull(work);
        this.signal = Objects.requireNonNull(signal);
        this.idleMs = Objects.requireNonNull(idleMs);
        this.thread = new Thread(this::loop, "halfmoon-" + role);
        this.thread.setDaemon(true);
    }

    /** Starts the loop; once. */
    public ServiceThread start() {
        running = true;
        thread.start();
        return this;
    }

    /** Number of turns that ended in an exception. */
    public long errorCount() {
        return errors.get();
    }

    private void loop() {
        while (running) {
            try {
                int done = work.doWork();
                if (failedInARow > 0) { // recovered: a failure that comes back is news again
                    if (repeats > 0) {
                        LOG.error("halfmoon-{}: the same failure {} more times before a turn succeeded: {}", role, repeats,
                                lastFailure);
                    }
                    failedInARow = 0;
                    lastFailure = null;
                    repeats = 0;
                }
                if (done == 0 && running) {
                    signal.await(TimeUnit.MILLISECONDS.toNanos(Math.max(0, idleMs.getAsLong())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) {
                errors.incrementAndGet();
                report(t);
                pause(Math.min(1000, 100L << Math.min(failedInARow++, 4)));
            }
        }
    }

    private void report(Throwable t) {
        String failure = t.toString();
        long now = System.nanoTime();
        if (!failure.equals(lastFailure)) {
            LOG.error("halfmoon-{}: a turn failed; continuing", role, t);
            lastFailure = failure;
            lastLoggedNanos = now;
            repeats = 0;
            return;
        }
        repeats++;
        if (now - lastLoggedNanos >= TimeUnit.MINUTES.toNanos(1)) {
            LOG.error("halfmoon-{}: the same failure {} more times since it was last logged: {}", role, repeats, failure);
            lastLoggedNanos = now;
            repeats = 0;
        }
    }

    private void pause(long ms) {
        try {
            signal.await(TimeUnit.MILLISECONDS.toNanos(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the loop after its current turn and waits up to 10 s for it to end. A turn still
     * running then is left to finish on its own (the thread is a daemon) and never interrupted:
     * an interrupt during a {@link java.nio.channels.FileChannel} write closes that channel, which
     * would take a live segment or queue file down with the stuck turn.
     */
    @Override
    public void close() {
        closeWithin(10_000);
    }

    /** {@link #close()} waiting at most {@code waitMs} for the turn in progress. */
    void closeWithin(long waitMs) {
        running = false;
        signal.raise();
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        try {
            thread.join(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("halfmoon-{} did not stop within {} ms; leaving its turn to finish. It is at:{}", role, waitMs,
                    stackOf(thread));
        }
    }

    private static String stackOf(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            out.append(System.lineSeparator()).append("\tat ").append(frame);
        }
        return out.toString();
    }

    /** Whether the loop's thread is still running (a stuck turn after {@link #close()}). */
    boolean isAlive() {
        return thread.isAlive();
    }
}
