package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.txn.TransactionView;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.txn.Decision;
import dev.halfmoon.txn.PendingPage;
import dev.halfmoon.txn.PendingQuery;
import dev.halfmoon.txn.TransactionCoordinator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Halfmoon's admin requests over pending transactions: list (filters, paging), describe one, and
 * resolve one by hand (bodies are JSON {@link TransactionView}s); and RocketMQ's resume of a given-up one.
 */
public final class TransactionAdminProcessor {
    private final TransactionCoordinator coordinator;
    private final Clock clock;

    public TransactionAdminProcessor(TransactionCoordinator coordinator, Clock clock) {
        this.coordinator = coordinator;
        this.clock = clock;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.HM_LIST_PENDING_TRANSACTIONS, this::list, executor);
        server.register(RequestCode.HM_DESCRIBE_TRANSACTION, this::describe, executor);
        server.register(RequestCode.HM_RESOLVE_TRANSACTION, this::resolve, executor);
        server.register(RequestCode.RESUME_CHECK_HALF_MESSAGE, this::resume, executor);
    }

    private CompletableFuture<RemotingCommand> list(RemotingChannel channel, RemotingCommand r) {
        PendingQuery query;
        try {
            query = new PendingQuery(r.ext("topic"), r.ext("producerGroup"), Headers.optionalLong(r, "olderThanMs", 0),
                    Headers.optionalInt(r, "offset", 0), Headers.optionalInt(r, "limit", 100));
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
        PendingPage page = coordinator.list(query);
        long now = clock.millis();
        List<TransactionView> views = page.transactions().stream().map(t -> TransactionView.of(t, coordinator, now)).toList();
        return ok(r, Map.of("total", page.total(), "transactions", views));
    }

    private CompletableFuture<RemotingCommand> describe(RemotingChannel channel, RemotingCommand r) {
        String id = Headers.required(r, "id");
        return coordinator.find(id)
                .map(t -> ok(r, TransactionView.of(t, coordinator, clock.millis())))
                .orElseGet(() -> RequestProcessor.done(RemotingCommand.response(r, ResponseCode.QUERY_NOT_FOUND,
                        "no pending transaction " + id + " (it may be resolved already)")));
    }

    private CompletableFuture<RemotingCommand> resolve(RemotingChannel channel, RemotingCommand r) {
        String id = Headers.required(r, "id");
        String decision = Headers.required(r, "decision");
        Decision d = switch (decision.toUpperCase()) {
            case "COMMIT" -> Decision.COMMIT;
            case "ROLLBACK" -> Decision.ROLLBACK;
            default -> throw new RequestException(ResponseCode.SYSTEM_ERROR, "decision must be COMMIT or ROLLBACK, was " + decision);
        };
        return coordinator.resolveByAdmin(id, d).thenApply(result -> RemotingCommand.response(r,
                result.applied() ? ResponseCode.SUCCESS : EndTransactionProcessor.code(result.status()), result.message()));
    }

    /** RocketMQ's RESUME_CHECK_HALF_MESSAGE: header msgId, the offset message id of a given-up copy. */
    private CompletableFuture<RemotingCommand> resume(RemotingChannel channel, RemotingCommand r) {
        String msgId = Headers.required(r, "msgId");
        long offset;
        try {
            offset = dev.halfmoon.message.OffsetMessageId.parse(msgId).commitLogOffset();
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "msgId " + msgId + " is not an offset message id: "
                    + e.getMessage());
        }
        return coordinator.resume(offset).thenApply(result -> RemotingCommand.response(r,
                result.applied() ? ResponseCode.SUCCESS : ResponseCode.SYSTEM_ERROR, result.message()));
    }

    private static CompletableFuture<RemotingCommand> ok(RemotingCommand r, Object body) {
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(Json.encode(body)));
    }
}
