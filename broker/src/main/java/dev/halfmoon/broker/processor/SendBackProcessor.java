package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.retry.SendBackRequest;
import dev.halfmoon.broker.retry.SendBackService;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.util.concurrent.CompletableFuture;

/** CONSUMER_SEND_MSG_BACK: a consumer hands back a message it could not process. */
public final class SendBackProcessor implements RequestProcessor {
    /** Clients below V3_4_9 did not send their own maximum. */
    private static final int V3_4_9 = 121;

    private final SendBackService retries;

    public SendBackProcessor(SendBackService retries) {
        this.retries = retries;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand r) {
        int max = r.version() >= V3_4_9 ? Headers.optionalInt(r, "maxReconsumeTimes", -1) : -1;
        SendBackRequest request = new SendBackRequest(Headers.requiredLong(r, "offset"), Headers.required(r, "group"),
                Headers.optionalInt(r, "delayLevel", 0), max, r.ext("originMsgId"), r.ext("originTopic"));
        return retries.sendBack(request).thenApply(v -> RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }
}
