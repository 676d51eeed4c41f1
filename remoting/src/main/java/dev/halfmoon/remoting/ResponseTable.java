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
    private final Map<Integer, CompletableFuture<RemotingCommand>> pending = new ConcurrentHashMap<>();

    int nextOpaque() {
        return nextOpaque.getAndIncrement();
    }

    /** Registers a wait for the response to {@code opaque}; it fails with {@link RemotingException.Timeout} after {@code timeoutMs}. */
    CompletableFuture<RemotingCommand> expect(int opaque, long timeoutMs, String peer, int code) {
        CompletableFuture<RemotingCommand> future = new CompletableFuture<>();
        pending.put(opaque, future);
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

    /** Completes the wait for {@code response}'s opaque; false if nobody waits (late or unknown). */
    boolean complete(RemotingCommand response) {
        CompletableFuture<RemotingCommand> future = pending.remove(response.opaque());
        return future != null && future.complete(response);
    }

    /** Fails the wait for {@code opaque} (the write failed). */
    void fail(int opaque, RemotingException error) {
        CompletableFuture<RemotingCommand> future = pending.remove(opaque);
        if (future != null) {
            future.completeExceptionally(error);
        }
    }

    int size() {
        return pending.size();
    }
}
