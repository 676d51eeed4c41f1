package dev.halfmoon.broker.http;

import dev.halfmoon.broker.txn.TransactionView;
import dev.halfmoon.remoting.Durations;
import dev.halfmoon.txn.Decision;
import dev.halfmoon.txn.EndResult;
import dev.halfmoon.txn.PendingPage;
import dev.halfmoon.txn.PendingQuery;
import dev.halfmoon.txn.TransactionCoordinator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/transactions}: list pending transactions (filters, paging), show one with its
 * check-back history, and commit or roll one back by hand. A resolving POST must carry an
 * {@code X-Halfmoon-Operator} header (who acts, for the log): browsers cannot add it to a
 * cross-site form, so another site cannot resolve transactions through an operator's browser.
 */
public final class TransactionApi {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionApi.class);
    static final String OPERATOR_HEADER = "x-halfmoon-operator";

    private final TransactionCoordinator coordinator;
    private final Clock clock;

    public TransactionApi(TransactionCoordinator coordinator, Clock clock) {
        this.coordinator = coordinator;
        this.clock = clock;
    }

    /** {@code rest} is the path after {@code /api/transactions}. */
    CompletableFuture<HttpReply> handle(HttpRequest request, String rest) {
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/");
        if (parts.length == 1 && parts[0].equals("pending")) {
            return done(list(request));
        }
        if (parts.length == 1) {
            ConsoleApi.require(request, "GET");
            return done(coordinator.find(parts[0]).map(t -> HttpReply.json(TransactionView.of(t, coordinator, clock.millis())))
                    .orElseGet(() -> HttpReply.error(404, "no pending transaction " + parts[0]
                            + " (it may be resolved already)")));
        }
        if (parts.length == 2 && (parts[1].equals("commit") || parts[1].equals("rollback"))) {
            ConsoleApi.require(request, "POST");
            return resolve(request, parts[0], parts[1].equals("commit") ? Decision.COMMIT : Decision.ROLLBACK);
        }
        return done(HttpReply.error(404, "no such endpoint: " + request.path()));
    }

    private HttpReply list(HttpRequest request) {
        ConsoleApi.require(request, "GET");
        long olderThanMs;
        try {
            olderThanMs = Durations.parseMs(request.param("olderThan", "0ms"));
        } catch (IllegalArgumentException e) {
            throw new HttpException(400, "olderThan: " + e.getMessage());
        }
        PendingPage page = coordinator.list(new PendingQuery(request.param("topic", null), request.param("group", null),
                olderThanMs, request.intParam("offset", 0, 0, Integer.MAX_VALUE), request.intParam("limit", 100, 1, 10_000)));
        long now = clock.millis();
        List<TransactionView> views = page.transactions().stream().map(t -> TransactionView.of(t, coordinator, now)).toList();
        return HttpReply.json(Map.of("total", page.total(), "transactions", views));
    }

    private CompletableFuture<HttpReply> resolve(HttpRequest request, String id, Decision decision) {
        String operator = request.headers().get(OPERATOR_HEADER);
        if (operator == null || operator.isBlank()) {
            return done(HttpReply.error(403, "resolving a transaction needs an X-Halfmoon-Operator header naming who acts"));
        }
        LOG.info("operator {} (account {}, from {}) asks over the HTTP API to {} transaction {}", operator,
                request.account() == null ? "none: ACL is off" : request.account(), request.remote(), decision, id);
        return coordinator.resolveByAdmin(id, decision).thenApply(TransactionApi::reply);
    }

    private static HttpReply reply(EndResult result) {
        int status = switch (result.status()) {
            case APPLIED, IGNORED_UNKNOWN -> 200;
            case NOT_FOUND -> 404;
            case ALREADY_RESOLVED, IN_PROGRESS, WRONG_GROUP -> 409;
            case STORE_REFUSED -> 503;
        };
        return status == 200 ? HttpReply.json(Map.of("result", result.status().name(), "state", String.valueOf(result.state()),
                "message", result.message() == null ? "" : result.message())) : HttpReply.error(status, result.message());
    }

    private static CompletableFuture<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
