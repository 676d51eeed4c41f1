package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.NetworkThreadRules;
import dev.halfmoon.broker.metrics.BrokerMetrics;
import dev.halfmoon.broker.txn.CheckWindow;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.LogLimiter;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.txn.Decision;
import dev.halfmoon.txn.EndRequest;
import dev.halfmoon.txn.EndResult;
import dev.halfmoon.txn.EndStatus;
import dev.halfmoon.txn.Resolver;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TransactionState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * END_TRANSACTION: a producer's commit (8), rollback (12) or unknown (0), after its local
 * transaction or in answer to a check-back. RocketMQ's clients send it oneway, so refusals are logged; a
 * caller that waits (Halfmoon's client) gets a response code, the reason and, if it was already resolved, how.
 */
public final class EndTransactionProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EndTransactionProcessor.class);
    private static final int COMMIT = 8;
    private static final int ROLLBACK = 12;

    private final TransactionCoordinator coordinator;
    private final BrokerMetrics metrics;
    private final NetworkThreadRules inline;
    private final CheckWindow window;
    private final LogLimiter ignoredLogs = new LogLimiter(LOG, "ignored transaction ends", 20, 60, TimeUnit.SECONDS);
    private final LogLimiter refusedLogs = new LogLimiter(LOG, "refused transaction ends", 20, 60, TimeUnit.SECONDS);
    private final LogLimiter lateCommitLogs = new LogLimiter(LOG, "late commits", 20, 60, TimeUnit.SECONDS);

    /** @param window told of every END, which answers the check-back of its half on that connection, if any */
    public EndTransactionProcessor(TransactionCoordinator coordinator, BrokerMetrics metrics, NetworkThreadRules inline,
                                   CheckWindow window) {
        this.coordinator = coordinator;
        this.metrics = metrics;
        this.inline = inline;
        this.window = window;
    }

    @Override
    public boolean runsInline(RemotingCommand r) {
        return inline.end(Headers.requiredLong(r, "commitLogOffset"),
                Headers.optionalBoolean(r, "fromTransactionCheck", false));
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand r) {
        int type = Headers.requiredInt(r, "commitOrRollback");
        Decision decision = type == COMMIT ? Decision.COMMIT : type == ROLLBACK ? Decision.ROLLBACK : Decision.UNKNOWN;
        boolean fromCheck = Headers.optionalBoolean(r, "fromTransactionCheck", false);
        EndRequest request = new EndRequest(Headers.required(r, "producerGroup"), Headers.requiredLong(r, "commitLogOffset"),
                r.ext("transactionId") != null ? r.ext("transactionId") : r.ext("msgId"), decision,
                fromCheck ? Resolver.CHECK : Resolver.PRODUCER);
        window.answered(channel, request.halfOffset());
        long begin = System.nanoTime();
        return coordinator.end(request).thenApply(result -> {
            // an answer counts when it answered a pending transaction (not a duplicate, a stranger or a resolved one)
            boolean answered = fromCheck && (result.applied() || result.status() == EndStatus.IGNORED_UNKNOWN);
            metrics.endTransaction(System.nanoTime() - begin, answered ? decision.name() : null);
            log(request, result, channel);
            RemotingCommand response = RemotingCommand.response(r, code(result.status()), result.applied() ? null
                    : result.message());
            return result.status() == EndStatus.ALREADY_RESOLVED && result.state() != null
                    ? response.withExt(dev.halfmoon.remoting.HalfmoonHeaders.TRANSACTION_STATE, result.state().name())
                    : response;
        });
    }

    /** Logs an end; a flood of ignored or refused ones (a client retrying) is rate-limited, as it may run on a network thread. */
    private void log(EndRequest request, EndResult result, RemotingChannel channel) {
        switch (result.status()) {
            case APPLIED, IGNORED_UNKNOWN -> LOG.debug("{} from {}: {}", request.decision(), channel.remoteAddress(), result.message());
            case ALREADY_RESOLVED, IN_PROGRESS -> {
                if (lateCommit(request, result)) {
                    metrics.lateCommit(result.state());
                    if (lateCommitLogs.allow()) { // END is oneway: the producer is told nothing, the operator must be
                        LOG.warn("COMMIT from {} came too late: {}. The producer's local transaction committed but its "
                                + "message is not delivered (a given-up one can be checked again with mqadmin "
                                + "resumeCheckHalfMessage)", channel.remoteAddress(), result.message());
                    }
                } else if (ignoredLogs.allow()) {
                    LOG.info("{} from {} ignored: {}", request.decision(), channel.remoteAddress(), result.message());
                }
            }
            default -> {
                if (refusedLogs.allow()) {
                    LOG.warn("{} from {} refused: {}", request.decision(), channel.remoteAddress(), result.message());
                }
            }
        }
    }

    private static boolean lateCommit(EndRequest request, EndResult result) {
        return request.decision() == Decision.COMMIT && result.status() == EndStatus.ALREADY_RESOLVED
                && (result.state() == TransactionState.ROLLED_BACK || result.state() == TransactionState.GIVEN_UP);
    }

    static int code(EndStatus status) {
        return switch (status) {
            case APPLIED, IGNORED_UNKNOWN -> ResponseCode.SUCCESS;
            case ALREADY_RESOLVED, IN_PROGRESS -> ResponseCode.ILLEGAL_OPERATION;
            case NOT_FOUND -> ResponseCode.SYSTEM_ERROR;
            case WRONG_GROUP -> ResponseCode.TRANSACTION_STATE_GROUP_WRONG;
            case STORE_REFUSED -> ResponseCode.SERVICE_NOT_AVAILABLE;
        };
    }
}
