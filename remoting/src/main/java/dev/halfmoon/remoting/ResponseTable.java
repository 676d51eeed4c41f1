package dev.halfmoon.remoting;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for their response, keyed by opaque. Each entry times out on its own.
 * Thread-safe.
 */
final class ResponseTable {
    private final AtomicInteger nextOpaque = new AtomicInteger();
    /** A wait, and the connection its request went out on. */
    private record Pending(CompletableFuture<RemotingCommand> future, Object connection) {
    }

    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();

    int nextOpaque() {
        return nextOpaque.getAndIncrement();
    }

    /**
     * Registers a wait for the response to {@code opaque}, sent on {@code connection}; it fails with
     * {@link RemotingException.Timeout} after {@code timeoutMs}, or {@link RemotingException.Closed} as soon as
     * that connection closes.
     */
    CompletableFuture<RemotingCommand> expect(int opaque, long timeoutMs, String peer, int code, Object connection) {
        CompletableFuture<RemotingCommand> future = new CompletableFuture<>();
        pending.put(opaque, new Pending(future, connection));
        return future.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).handle((response, error) -> {
            pending.remove(opaque);
            if (error instanceof TimeoutException) {
                throw new RemotingException.Timeout("no response from " + peer + " to request code " + code
                        + " within " + timeoutMs + " ms");
            }
            if (error != null) {
                throw error instanceof RuntimeException re ? re : new RemotingException(error.getMessage(), error);
            }
            return response;
        });
    }

    /**
     * Completes the wait for {@code response}'s opaque, if its request went out on {@code connection}, the one the
     * response came in on; false if nobody waits there (late, unknown, or another connection's answer: a peer cannot
     * answer what was asked of another).
     */
    boolean complete(RemotingCommand response, Object connection) {
        Pending p = pending.get(response.opaque());
        if (p == null || p.connection() != connection || !pending.remove(response.opaque(), p)) {
            return false;
        }
        return p.future().complete(response);
    }

    /** Fails the wait for {@code opaque} (the write failed). */
    void fail(int opaque, RemotingException error) {
        Pending p = pending.remove(opaque);
        if (p != null) {
            p.future().completeExceptionally(error);
        }
    }

    /** {@code connection} closed: its requests will get no response, so their waits end now, not at their timeouts. */
    void closed(Object connection, String peer) {
        pending.entrySet().removeIf(e -> {
            if (e.getValue().connection() != connection) {
                return false;
            }
            e.getValue().future().completeExceptionally(new RemotingException.Closed(
                    "the connection to " + peer + " closed before the response"));
            return true;
        });
    }

    int size() {
        return pending.size();
    }
}
