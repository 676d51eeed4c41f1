package dev.halfmoon.broker.processor;

import dev.halfmoon.log.LogStore;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * QUERY_MESSAGE: messages of a topic by key (a word of KEYS) or, with {@code _UNIQUE_KEY_QUERY},
 * by unique id, stored within a time range; the records are the body.
 */
public final class QueryProcessor implements RequestProcessor {
    private static final int MAX_RESULTS = 64;

    private final LogStore store;

    public QueryProcessor(LogStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        String key = Headers.required(r, "key");
        int max = Math.max(1, Math.min(Headers.optionalInt(r, "maxNum", 32), MAX_RESULTS));
        long begin = Headers.optionalLong(r, "beginTimestamp", 0);
        long end = Headers.optionalLong(r, "endTimestamp", Long.MAX_VALUE);
        List<ByteBuffer> found = store.findByKey(topic, key, begin, end, max);
        RemotingCommand response = RemotingCommand.response(r, found.isEmpty() ? ResponseCode.QUERY_NOT_FOUND
                : ResponseCode.SUCCESS, found.isEmpty() ? "no message of topic " + topic + " with key " + key
                + " in that time range" : null)
                .withExt("indexLastUpdateTimestamp", System.currentTimeMillis())
                .withExt("indexLastUpdatePhyoffset", store.dispatchedOffset());
        return RequestProcessor.done(found.isEmpty() ? response : response.withBodyParts(found.toArray(new ByteBuffer[0])));
    }
}
