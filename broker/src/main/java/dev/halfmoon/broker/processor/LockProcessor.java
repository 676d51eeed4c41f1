package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.lock.QueueLocks;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.LockBatchBody;
import dev.halfmoon.remoting.body.LockBatchResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** LOCK_BATCH_MQ and UNLOCK_BATCH_MQ: queue locks for ordered consumption. */
public final class LockProcessor {
    private final QueueLocks locks;

    public LockProcessor(QueueLocks locks) {
        this.locks = locks;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.LOCK_BATCH_MQ, this::lock, executor);
        server.register(RequestCode.UNLOCK_BATCH_MQ, this::unlock, executor);
    }

    private CompletableFuture<RemotingCommand> lock(RemotingChannel channel, RemotingCommand r) {
        LockBatchBody body = valid(r);
        LockBatchResult result = new LockBatchResult(locks.lock(body.consumerGroup(), body.clientId(), body.mqSet()));
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(Json.encode(result)));
    }

    private CompletableFuture<RemotingCommand> unlock(RemotingChannel channel, RemotingCommand r) {
        LockBatchBody body = valid(r);
        locks.unlock(body.consumerGroup(), body.clientId(), body.mqSet());
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    /** The body, refused (nothing locked or unlocked) without a group, a client id or queues: a lock nobody holds would block its queues. */
    private static LockBatchBody valid(RemotingCommand r) {
        LockBatchBody body = r.body() == null ? null : Json.decode(r.body(), LockBatchBody.class);
        if (body == null || blank(body.consumerGroup()) || blank(body.clientId()) || body.mqSet() == null
                || body.mqSet().stream().anyMatch(java.util.Objects::isNull)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "a " + (r.code() == RequestCode.LOCK_BATCH_MQ ? "LOCK"
                    : "UNLOCK") + "_BATCH_MQ body needs consumerGroup, clientId and mqSet; nothing changed");
        }
        return body;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
