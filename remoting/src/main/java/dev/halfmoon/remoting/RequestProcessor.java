package dev.halfmoon.remoting;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one kind of request. Runs on the executor it was registered with, unless
 * {@link #runsInline} says the request is cheap enough for the network thread that read it.
 * Translate the request into a call and the result into a response; rules belong in the services
 * called.
 */
@FunctionalInterface
public interface RequestProcessor {
    /**
     * @return the response (or a future of it); null, or a future of null, sends nothing
     * @throws RequestException to answer with a specific code and remark
     */
    CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand request) throws Exception;

    /**
     * True if {@code request} may be processed on the network thread that read it, skipping the
     * hand-off to the executor: only when processing it reads nothing from disk and waits on
     * nothing slow, since every other connection of that thread waits meanwhile. Called on the
     * network thread, so it must itself be cheap; an exception counts as false. Default: false.
     */
    default boolean runsInline(RemotingCommand request) {
        return false;
    }

    /** A completed future of {@code response}: for processors that answer at once. */
    static CompletableFuture<RemotingCommand> done(RemotingCommand response) {
        return CompletableFuture.completedFuture(response);
    }
}
