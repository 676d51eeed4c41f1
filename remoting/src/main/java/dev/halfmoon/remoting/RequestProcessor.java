package dev.halfmoon.remoting;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one kind of request. Runs on the executor it was registered with, never on a Netty
 * event loop. Translate the request into a call and the result into a response; rules belong
 * in the services called.
 */
@FunctionalInterface
public interface RequestProcessor {
    /**
     * @return the response (or a future of it); null, or a future of null, sends nothing
     * @throws RequestException to answer with a specific code and remark
     */
    CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand request) throws Exception;

    /** A completed future of {@code response}: for processors that answer at once. */
    static CompletableFuture<RemotingCommand> done(RemotingCommand response) {
        return CompletableFuture.completedFuture(response);
    }
}
