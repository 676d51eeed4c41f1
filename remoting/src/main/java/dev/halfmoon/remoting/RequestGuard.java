package dev.halfmoon.remoting;

/**
 * Decides whether a request may be processed (access control). Runs on the processor's executor,
 * before the processor; refusing means throwing a {@link RequestException} whose code and message
 * become the response.
 */
@FunctionalInterface
public interface RequestGuard {
    /** Allows everything. */
    RequestGuard OPEN = (channel, request) -> { };

    /**
     * @throws RequestException to refuse the request
     */
    void check(RemotingChannel channel, RemotingCommand request);
}
