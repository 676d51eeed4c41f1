package dev.halfmoon.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.client.Message;
import dev.halfmoon.client.MessageView;
import dev.halfmoon.client.Producer;
import dev.halfmoon.client.TransactionListener;
import dev.halfmoon.client.TransactionOutcome;
import dev.halfmoon.client.TransactionProducer;
import dev.halfmoon.testkit.Admin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's HTTP side against real traffic: /metrics agrees with what was sent, consumed and
 * resolved; /health; the operator API lists, shows and resolves pending transactions and refuses
 * bad requests; topics and groups show lag.
 */
@Timeout(120)
class OperatorHttpTest extends LiveBrokerTest {
    String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void findHttp() {
        base = halfmoon.running.broker().httpAddress().orElseThrow();
    }

    record Reply(int status, String body) {
        Map<String, Object> json() {
            return jsonObject(body);
        }

        List<Map<String, Object>> list() {
            return jsonArray(body);
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, boolean operator) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
        return send(operator ? b.header("X-Halfmoon-Operator", "test") : b);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of the sample {@code name} whose labels include every {@code labels} pair; 0 when absent. */
    static double metric(String text, String name, String... labels) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).filter(l -> {
            for (String label : labels) {
                if (!l.contains(label)) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Sends 5 plain messages (consumed), 1 transaction committed locally and 3 left pending. */
    /** What {@link #traffic} left: deliveries by body, and the pending transaction ids. */
    record Traffic(Map<String, Integer> seen, List<String> pending) {
    }

    Traffic traffic() {
        Admin.createTopic(halfmoon, "Orders", 2);
        Map<String, Integer> seen = consume("CG-orders", "Orders");
        Producer producer = track(Producer.start(options, "PG-plain"));
        for (int i = 0; i < 5; i++) {
            producer.send(message("Orders", "plain-" + i, "p"));
        }
        TransactionProducer tx = track(TransactionProducer.start(options, "PG-tx", new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                return new String(message.body(), StandardCharsets.UTF_8).equals("tx-commit") ? TransactionOutcome.COMMIT
                        : TransactionOutcome.UNKNOWN;
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return TransactionOutcome.UNKNOWN;
            }
        }));
        tx.sendInTransaction(message("Orders", "tx-commit", "c"), null);
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pending.add(tx.sendInTransaction(message("Orders", "tx-pending-" + i, "t"), null).transactionId());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 6);
        return new Traffic(seen, pending);
    }

    @Test
    void metricsAgreeWithWhatHappened() {
        Traffic traffic = traffic();
        List<String> pending = traffic.pending();
        System.gc(); // the registry holds function counters' sources weakly: they must outlive a collection
        String text = get("/metrics").body();
        assertEquals(9.0, metric(text, "halfmoon_messages_in_total", "topic=\"Orders\""), "5 plain + 4 halves");
        assertTrue(metric(text, "halfmoon_bytes_in_total", "topic=\"Orders\"") > 9 * 7);
        assertEquals(3.0, metric(text, "halfmoon_transactions_pending"));
        assertEquals(1.0, metric(text, "halfmoon_transactions_resolved_total", "outcome=\"committed\""));
        assertTrue(metric(text, "halfmoon_send_latency_seconds_count") >= 9);
        assertTrue(metric(text, "halfmoon_store_disk_free_bytes") > 0);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("halfmoon_flush_seconds_count ")), "flush timer exported");
        // sends to an existing topic, producers' END_TRANSACTIONs of recent halves and pulls near the queue's
        // end run on the network thread (NetworkThreadRules); a send may still go to the executor while space
        // for it is being allocated
        assertTrue(metric(text, "halfmoon_requests_on_network_thread_total", "request=\"send\"") >= 1, "sends inline");
        assertEquals(1.0, metric(text, "halfmoon_requests_on_network_thread_total", "request=\"end_transaction\""),
                "the END_TRANSACTION of the committed transaction ran inline (an UNKNOWN outcome is not sent)");
        assertTrue(metric(text, "halfmoon_requests_on_network_thread_total", "request=\"pull\"") >= 1, "pulls inline");
        await().atMost(Duration.ofSeconds(20)).until(() -> metric(get("/metrics").body(), "halfmoon_messages_out_total",
                "group=\"CG-orders\"", "topic=\"Orders\"") == 6.0);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String now = get("/metrics").body();
            return metric(now, "halfmoon_checkbacks_sent_total") >= 3
                    && now.lines().anyMatch(l -> l.startsWith("halfmoon_checkbacks_timed_out_total "))
                    && metric(now, "halfmoon_flush_seconds_count") > 0
                    && now.contains("halfmoon_transactions_given_up_total")
                    && metric(now, "halfmoon_end_transaction_latency_seconds_count") >= 4
                    && metric(now, "halfmoon_store_size_bytes") > 0
                    && metric(now, "halfmoon_checkbacks_answered_total", "outcome=\"unknown\"") >= 3
                    && metric(now, "halfmoon_consumer_lag", "group=\"CG-orders\"") == 0.0
                    && metric(now, "halfmoon_transactions_oldest_pending_age_seconds") > 0;
        });

        assertEquals(200, post("/api/transactions/" + pending.get(0) + "/commit", true).status());
        assertEquals(200, post("/api/transactions/" + pending.get(1) + "/rollback", true).status());
        String after = get("/metrics").body();
        assertEquals(2.0, metric(after, "halfmoon_transactions_resolved_total", "outcome=\"committed\""));
        assertEquals(1.0, metric(after, "halfmoon_transactions_resolved_total", "outcome=\"rolled_back\""));
        assertEquals(1.0, metric(after, "halfmoon_transactions_pending"));
        assertTrue(after.contains("# TYPE halfmoon_transactions_pending gauge"), "Prometheus text format");
    }

    @Test
    void theApiListsShowsAndResolvesPendingTransactions() {
        Traffic traffic = traffic();
        List<String> pending = traffic.pending();
        Reply health = get("/health");
        assertEquals(200, health.status());
        assertEquals("UP", health.json().get("status"));

        Map<String, Object> page = get("/api/transactions/pending?topic=Orders&limit=2").json();
        assertEquals(3, ((Number) page.get("total")).intValue());
        assertEquals(2, ((List<?>) page.get("transactions")).size());
        assertEquals(0, ((Number) get("/api/transactions/pending?olderThan=1h").json().get("total")).intValue());
        assertEquals(0, ((Number) get("/api/transactions/pending?group=PG-other").json().get("total")).intValue());
        assertEquals(400, get("/api/transactions/pending?limit=lots").status());
        assertEquals(400, get("/api/transactions/pending?olderThan=soon").status());

        String id = pending.get(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> !((List<?>) get("/api/transactions/" + id).json().get("checks")).isEmpty());
        Map<String, Object> one = get("/api/transactions/" + id).json();
        assertEquals("PG-tx", one.get("producerGroup"));

        assertEquals(403, post("/api/transactions/" + id + "/commit", false).status(), "needs X-Halfmoon-Operator");
        assertEquals(405, get("/api/transactions/" + id + "/commit").status());
        assertEquals(404, post("/api/transactions/nope/commit", true).status());
        assertEquals(200, post("/api/transactions/" + id + "/commit", true).status());
        assertEquals(404, get("/api/transactions/" + id).status());
        assertEquals(409, post("/api/transactions/" + id + "/rollback", true).status(), "resolved already: a conflict");
        await().atMost(Duration.ofSeconds(20)).until(() -> traffic.seen().containsKey("tx-pending-0"));

        List<Map<String, Object>> topics = get("/api/topics").list();
        Map<String, Object> orders = topics.stream().filter(t -> t.get("topic").equals("Orders")).findFirst().orElseThrow();
        assertEquals(2, ((Number) orders.get("writeQueues")).intValue());
        Map<String, Object> group = get("/api/groups/CG-orders").json();
        assertEquals(1, ((List<?>) group.get("consumers")).size());
        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) get("/api/groups/CG-orders").json().get("lag")).intValue() == 0);
        assertEquals(404, get("/api/groups/CG-nobody").status());
        assertTrue(get("/api/groups").list().stream().noneMatch(g -> g.get("group").equals("HALFMOON_SCHEDULE")),
                "the delay scheduler's own progress is not a consumer group");
        assertEquals(404, get("/api/nothing").status());
        assertEquals(405, post("/metrics", true).status());
        await().atMost(Duration.ofSeconds(5)).until(() -> !get("/api/history").list().isEmpty());
        Map<String, Object> live = get("/api/history").list().get(0);
        assertTrue(((Number) live.get("commitsPerSec")).doubleValue() > 0, "the commits so far show as a rate: " + live);
        Reply page0 = get("/");
        assertEquals(200, page0.status());
        assertTrue(page0.body().contains("Pending transactions"));
    }

    /**
     * The web console in a real browser (headless Chromium): the pending transactions, the topic
     * and the group appear, and a screenshot is left in target/console.png. Skipped when no
     * Chromium is installed, unless HALFMOON_REQUIRE_CHROMIUM=1 (CI installs it and sets that).
     */
    @Test
    void theConsoleShowsPendingTransactionsInABrowser() throws Exception {
        String chromium = Browser.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium != null || "1".equals(System.getenv("HALFMOON_REQUIRE_CHROMIUM")),
                "no chromium on PATH");
        assertTrue(chromium != null, "HALFMOON_REQUIRE_CHROMIUM=1 but no chromium on PATH");
        Traffic traffic = traffic();
        List<String> pending = traffic.pending();
        await().atMost(Duration.ofSeconds(5)).until(() -> !get("/api/history").list().isEmpty());
        String dom = Browser.dumpDom(chromium, base + "/", dir.resolve("profile-1"));
        for (String id : pending) {
            assertTrue(dom.contains(">" + id + "</a>"), "pending transaction " + id + " in the table:\n" + dom);
        }
        assertTrue(dom.contains("CG-orders") && dom.contains(">Orders<"), dom);
        assertTrue(dom.contains("3 pending"), dom);
        assertTrue(dom.matches("(?s).*<canvas id=\"chart\"[^>]*data-points=\"[1-9][0-9]*\"[^>]*data-last-pending=\"3\".*"),
                "the chart drew the live point with 3 pending: " + dom);
        Path png = Path.of("target", "console.png");
        Browser.screenshot(chromium, base + "/", png, dir.resolve("profile-2"));
        assertTrue(java.nio.file.Files.size(png) > 10_000, "a real screenshot");
    }
}
