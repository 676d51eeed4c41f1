package dev.halfmoon.broker.http;

import dev.halfmoon.broker.acl.AccessControl;
import dev.halfmoon.broker.acl.AclAccount;
import dev.halfmoon.broker.metrics.BrokerMetrics;
import dev.halfmoon.broker.metrics.History;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.txn.TransactionCoordinator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every HTTP path the broker serves, in one table:
 * <pre>
 * GET  /                                  the web console (one page)
 * GET  /metrics                           Prometheus text
 * GET  /health                            200 when the store takes writes, else 503; JSON either way
 * GET  /api/broker                        name, cluster, address, store figures
 * GET  /api/history                       the last hour, a sample per 10 s, for the chart
 * GET  /api/transactions/pending          ?topic= &amp;group= &amp;olderThan=30s &amp;offset= &amp;limit=
 * GET  /api/transactions/{id}             one pending transaction with its check-backs
 * POST /api/transactions/{id}/commit      resolve by hand (header X-Halfmoon-Operator)
 * POST /api/transactions/{id}/rollback
 * GET  /api/topics                        topics, stored messages, lag per reading group (?system=true: all)
 * GET  /api/groups                        consumer groups with consumers and lag
 * GET  /api/groups/{group}                consumers, subscriptions, progress per queue
 * </pre>
 * With {@code aclEnable=true} every path but {@code /health} needs HTTP Basic authentication with
 * an admin account of the ACL file (access key : secret key); browsers ask for it.
 */
public final class ConsoleApi implements HttpServer.HttpHandler {
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<String, Object> identity;
    private final LogStore store;
    private final TransactionCoordinator transactions;
    private final BrokerMetrics metrics;
    private final History history;
    private final TransactionApi transactionApi;
    private final AccessControl acl;
    private final TopicGroupApi topicGroupApi;
    private final byte[] page;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsoleApi.class);
    private final dev.halfmoon.remoting.LogLimiter failedLogins = new dev.halfmoon.remoting.LogLimiter(LOG,
            "refused HTTP logins", 10, 1, java.util.concurrent.TimeUnit.MINUTES);

    public ConsoleApi(Map<String, Object> identity, LogStore store, TransactionCoordinator transactions, BrokerMetrics metrics,
               History history, TransactionApi transactionApi, AccessControl acl, TopicGroupApi topicGroupApi) {
        this.identity = identity;
        this.store = store;
        this.transactions = transactions;
        this.metrics = metrics;
        this.history = history;
        this.transactionApi = transactionApi;
        this.acl = acl;
        this.topicGroupApi = topicGroupApi;
        this.page = resource("console.html");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<HttpReply> handle(HttpRequest asked) {
        String path = asked.path();
        // with ACL on: every path needs an admin account but /health (open) and /metrics (any account: a scraper's
        // key need not be one that resolves transactions)
        String account = acl == null || path.equals("/health") ? null : authenticated(asked, path.equals("/metrics"));
        if (acl != null && !path.equals("/health") && account == null) {
            return CompletableFuture.completedFuture(new HttpReply(401, HttpReply.JSON, dev.halfmoon.remoting.Json.encode(
                    Map.of("error", "ACL is on: authenticate with an admin account's access key and secret key (HTTP Basic;"
                            + " /metrics takes any account's)")),
                    Map.of("WWW-Authenticate", "Basic realm=\"halfmoon\", charset=\"UTF-8\"")));
        }
        HttpRequest request = account == null ? asked : asked.as(account);
        if (path.startsWith("/api/transactions/")) {
            return transactionApi.handle(request, path.substring("/api/transactions".length()));
        }
        require(request, "GET");
        return CompletableFuture.completedFuture(switch (path) {
            case "/", "/index.html" -> new HttpReply(200, "text/html; charset=utf-8", page);
            case "/metrics" -> HttpReply.text(200, PROMETHEUS, metrics.scrape());
            case "/health" -> health();
            case "/api/broker" -> broker();
            case "/api/history" -> HttpReply.json(history.samples());
            case "/api/topics" -> topicGroupApi.topics("true".equals(request.param("system", "false")));
            case "/api/groups" -> topicGroupApi.groups();
            default -> path.startsWith("/api/groups/") && path.length() > "/api/groups/".length()
                    ? topicGroupApi.group(path.substring("/api/groups/".length()))
                    : HttpReply.error(404, "no such endpoint: " + path);
        });
    }

    /**
     * The account the request's HTTP Basic credentials name (an admin one unless {@code anyAccount}), or null; credentials
     * that name none are logged (at most 10 a minute), so that guessing is seen.
     */
    private String authenticated(HttpRequest request, boolean anyAccount) {
        String header = request.headers().get("authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        String accessKey = colon > 0 ? decoded.substring(0, colon) : "";
        var account = colon > 0 ? acl.account(accessKey, decoded.substring(colon + 1)) : java.util.Optional.<AclAccount>empty();
        if (account.isPresent() && (anyAccount || account.get().admin())) {
            return accessKey;
        }
        if (failedLogins.allow()) {
            LOG.warn("HTTP {} {} from {} refused: {}", request.method(), request.path(), request.remote(), account.isPresent()
                    ? "account " + accessKey + " is not an admin" : "unknown access key or wrong secret key");
        }
        return null;
    }

    /** Refuses any other method with 405 (HEAD is answered as GET without the body, as load balancers' checks use it). */
    static void require(HttpRequest request, String method) {
        if (!request.method().equals(method) && !(method.equals("GET") && request.method().equals("HEAD"))) {
            throw new HttpException(405, request.path() + " takes " + method + ", not " + request.method());
        }
    }

    private HttpReply health() {
        boolean writable = store.health().writable();
        Map<String, Object> body = new LinkedHashMap<>();
        long corrupt = store.health().corruptRecords();
        body.put("status", !writable ? "DOWN" : corrupt > 0 ? "DEGRADED" : "UP");
        body.put("diskFull", store.health().diskFull());
        body.put("corruptRecords", corrupt);
        Throwable failure = store.health().failure();
        if (failure != null) {
            body.put("failure", failure.toString());
        }
        body.put("pendingTransactions", transactions.index().size());
        body.put("dispatchBehindBytes", store.writtenOffset() - store.dispatchedOffset());
        HttpReply json = HttpReply.json(body);
        return writable ? json : new HttpReply(503, json.contentType(), json.body());
    }

    private HttpReply broker() {
        Map<String, Object> body = new LinkedHashMap<>(identity);
        body.put("commitLogMinOffset", store.minCommitLogOffset());
        body.put("commitLogMaxOffset", store.writtenOffset());
        body.put("pendingTransactions", transactions.index().size());
        return HttpReply.json(body);
    }
}
