package dev.halfmoon.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.Message;
import dev.halfmoon.client.Producer;
import dev.halfmoon.client.SendReceipt;
import dev.halfmoon.client.TransactionListener;
import dev.halfmoon.client.TransactionOutcome;
import dev.halfmoon.client.TransactionProducer;
import dev.halfmoon.client.MessageView;
import dev.halfmoon.message.Compression;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bin/halfmoon-admin's commands against a real broker, run in-process with their real exit codes and output. */
@Timeout(120)
class AdminCliTest extends LiveBrokerTest {
    /** One run: exit code, standard output, standard error. */
    /** A producer whose transactions stay pending: the local outcome and every check answer UNKNOWN. */
    private TransactionProducer undecided() {
        return track(TransactionProducer.start(options, "PG-undecided", new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                return TransactionOutcome.UNKNOWN;
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return TransactionOutcome.UNKNOWN;
            }
        }));
    }

    @Test
    void pendingTransactionsAreListedShownAndResolvedByHand() {
        Admin.createTopic(halfmoon, "Orders", 2);
        Admin.createTopic(halfmoon, "Other", 1);
        Map<String, Integer> seen = consume("CG-orders", "Orders");
        TransactionProducer producer = undecided();
        String toCommit = producer.sendInTransaction(message("Orders", "order-1", "k1"), null).transactionId();
        String toRollback = producer.sendInTransaction(message("Orders", "order-2", "k2"), null).transactionId();
        String other = producer.sendInTransaction(message("Other", "other-1", "k3"), null).transactionId();

        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) admin("-o", "json", "pending", "list").json()
                .get("total")).intValue() == 3);
        Run orders = admin("-o", "json", "pending", "list", "--topic", "Orders");
        assertEquals(0, orders.code(), orders.err());
        assertEquals(Set.of(toCommit, toRollback), Set.copyOf(ids(orders)));
        assertEquals(List.of(), ids(admin("-o", "json", "pending", "list", "--older-than", "1h")));
        Run table = admin("pending", "list", "--group", "PG-undecided");
        assertTrue(table.out().contains("TRANSACTION ID") && table.out().contains(other), table.out());
        assertTrue(table.err().contains("3 pending"), table.err());

        await().atMost(Duration.ofSeconds(20)).until(() -> admin("pending", "show", toCommit).out().contains("SENT TO"));
        Run show = admin("pending", "show", toCommit);
        assertEquals(0, show.code());
        assertTrue(show.out().contains("Orders") && show.out().contains("SENT TO"), show.out());

        Run declined = answering("n\n", "pending", "commit", toCommit);
        assertEquals(ExitCodes.NOT_CONFIRMED, declined.code(), declined.err());
        Run noAnswer = answering("", "pending", "commit", toCommit);
        assertEquals(ExitCodes.NOT_CONFIRMED, noAnswer.code());
        assertTrue(noAnswer.err().contains("--yes"), noAnswer.err());
        assertEquals(0, admin("pending", "show", toCommit).code(), "still pending after a refused confirmation");

        Run commit = answering("y\n", "pending", "commit", toCommit);
        assertEquals(0, commit.code(), commit.err());
        assertTrue(commit.out().contains("committed transaction " + toCommit), commit.out());
        assertEquals(0, admin("pending", "rollback", toRollback, "--yes").code());
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsKey("order-1"));
        assertEquals(Map.of("order-1", 1), seen);

        Run again = admin("pending", "commit", toCommit, "--yes");
        assertEquals(ExitCodes.FAILED, again.code());
        assertTrue(again.err().contains("no pending transaction " + toCommit), again.err());
        assertEquals(List.of(other), ids(admin("-o", "json", "pending", "list")));
    }

    @Test
    void aGivenUpTransactionIsResumedOnceAndCommittedByItsNextCheck() {
        halfmoon.close();
        halfmoon = new HalfmoonFixture(dir.resolve("give-up")).set("transactionTimeOut", "300")
                .set("transactionCheckInterval", "300").set("transactionCheckMax", "1").start();
        options = ClientOptions.of(halfmoon.namesrv()).withRefresh(Duration.ofMillis(500), Duration.ofMillis(500));
        Admin.createTopic(halfmoon, "Payments", 1);
        Map<String, Integer> seen = consume("CG-payments", "Payments");
        java.util.concurrent.atomic.AtomicReference<TransactionOutcome> answer = new java.util.concurrent.atomic.AtomicReference<>(
                TransactionOutcome.UNKNOWN);
        TransactionProducer producer = track(TransactionProducer.start(options, "PG-late", new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                return TransactionOutcome.UNKNOWN;
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return answer.get();
            }
        }));
        producer.sendInTransaction(message("Payments", "payment-1", "pay-1"), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> admin("-o", "json", "message", "find", "--topic",
                "TRANS_CHECK_MAX_TIME_TOPIC", "--key", "pay-1").out().contains("offsetMsgId"));
        String copy = (String) admin("-o", "json", "message", "find", "--topic", "TRANS_CHECK_MAX_TIME_TOPIC", "--key", "pay-1")
                .jsonList().get(0).get("offsetMsgId");
        assertEquals(List.of(), ids(admin("-o", "json", "pending", "list")), "given up");

        answer.set(TransactionOutcome.COMMIT);
        Run resume = admin("pending", "resume", copy, "--yes");
        assertEquals(0, resume.code(), resume.err());
        assertTrue(resume.out().contains("pending again"), resume.out());
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey("payment-1"));
        Run twice = admin("pending", "resume", copy, "--yes");
        assertEquals(ExitCodes.FAILED, twice.code(), twice.out());
        assertTrue(twice.err().contains("resumed before"), twice.err());
        assertEquals(ExitCodes.USAGE, admin("pending", "resume", "not-an-id", "--yes").code());
        assertEquals(Map.of("payment-1", 1), seen);
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Run run) {
        assertEquals(0, run.code(), run.err());
        return ((List<Map<String, Object>>) run.json().get("transactions")).stream()
                .map(t -> (String) t.get("transactionId")).toList();
    }

    @Test
    void topicsAreCreatedUpdatedDescribedAndDeleted() {
        Run created = admin("topic", "create", "Payments", "--queues", "3");
        assertEquals(0, created.code(), created.err());
        assertEquals(ExitCodes.FAILED, admin("topic", "create", "Payments").code());
        List<Map<String, Object>> list = admin("-o", "json", "topic", "list").jsonList();
        assertTrue(list.stream().anyMatch(t -> t.get("topic").equals("Payments") && ((Number) t.get("writeQueues")).intValue() == 3),
                list.toString());
        assertTrue(list.stream().noneMatch(t -> dev.halfmoon.remoting.body.SystemNames.isSystemTopic((String) t.get("topic"))), list.toString());
        assertEquals(List.of("Payments"), list.stream().map(t -> t.get("topic")).toList(), "only the application's topics");

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Producer p = Producer.start(options, "PG-pay")) {
                p.send(message("Payments", "p", "k"));
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
        List<Map<String, Object>> queues = admin("-o", "json", "topic", "describe", "Payments").jsonList();
        assertEquals(3, queues.size());
        assertEquals(1L, queues.stream().mapToLong(q -> ((Number) q.get("messages")).longValue()).sum());

        assertEquals(0, admin("topic", "update", "Payments", "--queues", "5", "--perm", "R").code());
        Map<String, Object> updated = admin("-o", "json", "topic", "list").jsonList().stream()
                .filter(t -> t.get("topic").equals("Payments")).findFirst().orElseThrow();
        assertEquals(5, ((Number) updated.get("readQueues")).intValue());
        assertEquals("R--", updated.get("perm"));
        assertEquals(ExitCodes.FAILED, admin("topic", "update", "Nope", "--queues", "2").code());

        assertEquals(ExitCodes.NOT_CONFIRMED, admin("topic", "delete", "Payments").code());
        assertEquals(0, admin("topic", "delete", "Payments", "--yes").code());
        assertTrue(admin("-o", "json", "topic", "list").jsonList().stream().noneMatch(t -> t.get("topic").equals("Payments")));
        assertEquals(ExitCodes.FAILED, admin("topic", "describe", "Payments").code());
    }

    @Test
    void groupsShowConsumersAndLagPerQueue() {
        Admin.createTopic(halfmoon, "Stock", 2);
        Map<String, Integer> seen = consume("CG-stock", "Stock");
        Producer producer = track(Producer.start(options, "PG-stock"));
        producer.send(message("Stock", "s-0", "k"));
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsKey("s-0"));
        Run online = admin("-o", "json", "group", "describe", "CG-stock");
        assertEquals(0, online.code(), online.err());
        assertEquals(1, ((List<?>) online.json().get("consumers")).size());
        assertEquals(2, ((List<?>) online.json().get("queues")).size());
        Run list = admin("group", "list");
        assertTrue(list.out().contains("CG-stock"), list.out());

        try {
            closer.closeFirst();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 1; i <= 3; i++) {
            producer.send(message("Stock", "s-" + i, "k"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) admin("-o", "json", "group", "describe", "CG-stock")
                .json().get("lag")).intValue() == 3);
        Run offline = admin("group", "describe", "CG-stock");
        assertTrue(offline.out().contains("0 consumers online, lag 3") && offline.out().contains("CONSUMER OFFSET"), offline.out());
        assertEquals(ExitCodes.FAILED, admin("group", "describe", "CG-nobody").code());
    }

    @Test
    void groupsAreCreatedDeletedAndTheirOffsetsResetWithoutRocketMqsTool() {
        Admin.createTopic(halfmoon, "Replay", 1);
        Producer producer = track(Producer.start(options, "PG-replay"));
        for (int i = 0; i < 5; i++) {
            producer.send(message("Replay", "r-" + i, "k"));
        }
        Map<String, Integer> seen = consume("CG-replay", "Replay");
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 5);
        assertEquals(ExitCodes.USAGE, admin("group", "reset", "CG-replay", "--topic", "Replay", "--to", "soon", "--yes").code());
        assertEquals(ExitCodes.NOT_CONFIRMED, admin("group", "reset", "CG-replay", "--topic", "Replay", "--to", "earliest").code());

        Run reset = admin("-o", "json", "group", "reset", "CG-replay", "--topic", "Replay", "--to", "earliest", "--yes");
        assertEquals(ExitCodes.OK, reset.code(), reset.err());
        assertEquals(0, ((Number) reset.jsonList().get(0).get("consumerOffset")).intValue(), reset.out());
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.values().stream().allMatch(n -> n >= 2)); // read again
        assertEquals(ExitCodes.FAILED, admin("group", "reset", "CG-replay", "--topic", "NoSuchTopic", "--to", "latest",
                "--yes").code());

        assertEquals(ExitCodes.OK, admin("group", "create", "cg-made", "--retry-max", "3").code());
        assertEquals(ExitCodes.FAILED, admin("group", "create", "cg-made").code(), "an existing group's settings are kept");
        assertTrue(admin("group", "list").out().contains("cg-made"));
        assertEquals(ExitCodes.OK, admin("group", "delete", "cg-made", "--yes").code());
        assertTrue(!admin("group", "list").out().contains("cg-made"));
        assertEquals(ExitCodes.FAILED, admin("group", "delete", "cg-made", "--yes").code(), "gone already");
    }

    @Test
    void clusterAndMessagesAreShown() {
        Run cluster = admin("cluster", "list");
        assertEquals(0, cluster.code(), cluster.err());
        assertTrue(cluster.out().contains("broker-a") && cluster.out().contains(halfmoon.brokerAddress())
                && cluster.out().contains("up"), cluster.out());

        Admin.createTopic(halfmoon, "Mail", 1);
        Producer producer = track(Producer.start(options, "PG-mail"));
        SendReceipt sent = producer.send(message("Mail", "hello ünïcode", "invoice-7"));
        Run byOffset = admin("-o", "json", "message", "show", sent.offsetMessageId());
        assertEquals(0, byOffset.code(), byOffset.err());
        assertEquals("hello ünïcode", byOffset.json().get("body"));
        assertEquals(sent.messageId(), byOffset.json().get("msgId"));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin("message", "show", sent.messageId(), "--topic", "Mail").code() == 0);
        assertTrue(admin("message", "show", sent.messageId(), "--topic", "Mail").out().contains("invoice-7"));
        assertEquals(ExitCodes.FAILED, admin("message", "show", sent.messageId()).code(), "a producer's id needs --topic");
        Run found = admin("message", "find", "--topic", "Mail", "--key", "invoice-7");
        assertTrue(found.out().contains("hello ünïcode") && found.err().contains("1 found"), found.out() + found.err());
        Run none = admin("message", "find", "--topic", "Mail", "--key", "nothing");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.err().contains("0 found"), none.err());

        // as a RocketMQ 5 producer sends a large body with setCompressType(LZ4): shown as sent
        byte[] text = "a long invoice, ".repeat(400).getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream lz4 = new java.io.ByteArrayOutputStream();
        try (net.jpountz.lz4.LZ4FrameOutputStream out = new net.jpountz.lz4.LZ4FrameOutputStream(lz4)) {
            out.write(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(0, rawSend("Mail", Compression.flag(Compression.LZ4), "KEYS\u0001invoice-8\u0002", lz4.toByteArray()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !admin("-o", "json", "message", "find", "--topic", "Mail", "--key",
                "invoice-8").jsonList().isEmpty());
        Map<String, Object> packed = admin("-o", "json", "message", "find", "--topic", "Mail", "--key", "invoice-8").jsonList().get(0);
        assertEquals("LZ4", packed.get("compression"));
        assertEquals(new String(text, StandardCharsets.UTF_8), packed.get("body"));
    }

    @Test
    void wrongUseAndUnreachableClustersGetClearErrorsAndExitCodes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var noInput = new ByteArrayInputStream(new byte[0]);
        assertEquals(ExitCodes.UNREACHABLE, AdminMain.run(new String[] {"--namesrv", "127.0.0.1:1", "--timeout", "1s",
            "pending", "list"}, noInput, o, e, Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach 127.0.0.1:1"), err.toString(StandardCharsets.UTF_8));
        assertEquals(ExitCodes.USAGE, AdminMain.run(new String[] {"pending", "list"}, noInput, o, e, Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--namesrv"));
        assertEquals(ExitCodes.USAGE, admin("pending", "list", "--bogus").code());
        assertEquals(ExitCodes.USAGE, admin("pending", "list", "--older-than", "soon").code());
        assertEquals(ExitCodes.USAGE, admin("-o", "xml", "topic", "list").code());
        dev.halfmoon.namesrv.NameServer empty = new dev.halfmoon.namesrv.NameServer(dev.halfmoon.namesrv.NamesrvConfig.defaults(
                "127.0.0.1", 0), java.time.Clock.systemUTC());
        empty.start();
        try {
            ByteArrayOutputStream why = new ByteArrayOutputStream();
            assertEquals(ExitCodes.UNREACHABLE, AdminMain.run(new String[] {"--namesrv", empty.address(), "cluster", "list"},
                    noInput, o, new PrintStream(why, true, StandardCharsets.UTF_8), Map.of()), "no broker at all is not 'all up'");
            assertTrue(why.toString(StandardCharsets.UTF_8).contains("know no live broker"), why.toString(StandardCharsets.UTF_8));
        } finally {
            empty.close();
        }
        Run help = admin("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("pending") && help.out().contains("Exit codes"), help.out());
        assertEquals(0, admin("pending", "commit", "--help").code());
    }

    @Test
    void mistakesAreRefusedBeforeAnythingChangesInOneLine() {
        Run badFormat = admin("-o", "yaml", "topic", "create", "NotMade", "--queues", "2");
        assertEquals(ExitCodes.USAGE, badFormat.code(), badFormat.err());
        assertTrue(admin("-o", "json", "topic", "list").jsonList().stream().noneMatch(t -> "NotMade".equals(t.get("topic"))),
                "a bad --output refuses the command before it runs");
        for (String[] bad : new String[][] {{"topic", "create", "TooMany", "--queues", "100000"},
            {"pending", "list", "--limit", "-1"}}) {
            Run r = admin(bad);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", bad) + ": " + r.err());
            assertTrue(!r.err().contains("\tat ") && r.err().lines().count() == 1, r.err());
        }
        for (String where : new String[] {"localhost", "127.0.0.1:abc", "127.0.0.1:99999", "127.0.0.1:1,127.0.0.1:2"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = AdminMain.run(new String[] {"--namesrv", where, "topic", "list"}, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCodes.USAGE, code, text);
            assertTrue((text.contains("is not HOST:PORT") || text.contains("separate name servers with ';'"))
                    && !text.contains("\tat "), text);
        }
        Run system = admin("topic", "delete", "TRANS_CHECK_MAX_TIME_TOPIC", "--yes");
        assertEquals(ExitCodes.FAILED, system.code(), "given-up transactions live there: " + system.err());
        Run noTopic = admin("message", "find", "--topic", "NoSuchTopic", "--key", "k");
        assertEquals(ExitCodes.FAILED, noTopic.code());
        assertTrue(noTopic.err().contains("no topic NoSuchTopic"), noTopic.err());
    }

    @Test
    void rocketMqHabitsWorkOptionsAfterTheCommandAndDashN() {
        Admin.createTopic(halfmoon, "Habits", 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = AdminMain.run(new String[] {"topic", "list", "-n", halfmoon.namesrv(), "-o", "json"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());
        assertEquals(ExitCodes.OK, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"Habits\""), out.toString(StandardCharsets.UTF_8));
        assertTrue(admin("pending", "list", "--help").out().contains("--namesrv"), "the global options are in each help");
        assertTrue(!admin("pending", "list", "--help").out().contains("<arg"), "options are labelled");

        assertEquals(ExitCodes.OK, admin("topic", "update", "Habits", "--order", "true").code());
        assertEquals(ExitCodes.OK, admin("topic", "update", "Habits", "--order", "false").code());
        assertEquals(false, admin("-o", "json", "topic", "list").jsonList().stream().filter(t -> "Habits".equals(t.get("topic")))
                .findFirst().orElseThrow().get("order"));

        // a group made with updateSubGroup, no consumer yet: described, not "not found"
        dev.halfmoon.remoting.RemotingClient raw = track(new dev.halfmoon.remoting.RemotingClient("test"));
        raw.invokeSync(halfmoon.brokerAddress(), dev.halfmoon.remoting.RemotingCommand.request(
                dev.halfmoon.remoting.RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, Map.of(), Json.encode(Map.of(
                        "groupName", "cg-new", "consumeEnable", true, "retryQueueNums", 1, "retryMaxTimes", 16))), 5000);
        Run described = admin("group", "describe", "cg-new");
        assertEquals(ExitCodes.OK, described.code(), described.err());
        assertTrue(described.out().contains("0 consumers online"), described.out());
    }

    /** Two halves with one transaction id (a retried send): the one the operator names is the one resolved. */
    @Test
    void aTransactionIsResolvedByTheCopyTheOperatorNamed() {
        Admin.createTopic(halfmoon, "Copies", 1);
        for (int i = 0; i < 2; i++) {
            assertEquals(0, rawSend("Copies", dev.halfmoon.message.SysFlag.TRANSACTION_PREPARED_TYPE,
                    "TRAN_MSG\u0001true\u0002PGROUP\u0001PG-raw\u0002UNIQ_KEY\u0001C0FFEE0000000000000000000000000A\u0002",
                    ("copy-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        List<Map<String, Object>> pending = pendingOf("Copies");
        assertEquals(2, pending.size());
        String first = String.valueOf(((Number) pending.get(0).get("halfOffset")).longValue());
        String second = String.valueOf(((Number) pending.get(1).get("halfOffset")).longValue());
        assertEquals(ExitCodes.OK, admin("pending", "rollback", first, "--yes").code());
        List<Map<String, Object>> left = pendingOf("Copies");
        assertEquals(List.of(second), left.stream().map(t -> String.valueOf(((Number) t.get("halfOffset")).longValue())).toList(),
                "the copy named was rolled back, not the other");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> pendingOf(String topic) {
        List<Map<String, Object>> all = (List<Map<String, Object>>) admin("-o", "json", "pending", "list", "--topic", topic)
                .json().get("transactions");
        List<Map<String, Object>> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingLong(t -> ((Number) t.get("halfOffset")).longValue()));
        return sorted;
    }
}
