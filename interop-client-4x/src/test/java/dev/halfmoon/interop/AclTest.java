package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.AclSignature;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control with the official client's AclClientRPCHook (rocketmq-acl 4.9.8) against a
 * Halfmoon with aclEnable=true and a plain_acl.yml: allowed and refused sends, pulls,
 * transactions and admin calls; a bad signature; a replay with a changed body; reloading the file.
 */
@Timeout(120)
class AclTest {
    static final String ORDER_AK = "order-service";
    static final String ORDER_SK = "order-secret-key";
    static final String PAYMENT_AK = "payment-service";
    static final String PAYMENT_SK = "payment-secret-key";
    static final String ADMIN_AK = "halfmoon-admin";
    static final String ADMIN_SK = "admin-secret-key";

    @TempDir
    Path dir;
    Path aclFile;
    HalfmoonFixture halfmoon;

    static String acl(String orderTopics) {
        return """
                accounts:
                  - accessKey: order-service
                    secretKey: order-secret-key
                    defaultTopicPerm: DENY
                    defaultGroupPerm: DENY
                    topicPerms:
                %s
                  - accessKey: payment-service
                    secretKey: payment-secret-key
                    defaultTopicPerm: DENY
                    defaultGroupPerm: DENY
                    topicPerms:
                      - Orders=SUB
                    groupPerms:
                      - payment-group=SUB
                  - accessKey: halfmoon-admin
                    secretKey: admin-secret-key
                    admin: true
                """.formatted(orderTopics);
    }

    @BeforeEach
    void start() throws Exception {
        aclFile = dir.resolve("plain_acl.yml");
        Files.writeString(aclFile, acl("      - Orders=PUB"));
        halfmoon = new HalfmoonFixture(dir.resolve("data")).set("aclEnable", "true").set("aclConfigFile", aclFile.toString())
                .set("transactionTimeOut", "1000").set("transactionCheckInterval", "1000").start();
        for (String topic : List.of("Orders", "Secret")) {
            Admin.createTopic(halfmoon.brokerAddress(), halfmoon.namesrv(), topic, 2, ADMIN_AK, ADMIN_SK);
        }
    }

    @AfterEach
    void stop() {
        halfmoon.close();
    }

    static RPCHook hook(String ak, String sk) {
        return new AclClientRPCHook(new SessionCredentials(ak, sk));
    }

    DefaultMQProducer producer(String group, RPCHook hook) throws Exception {
        return producer(halfmoon, group, hook);
    }

    static DefaultMQProducer producer(HalfmoonFixture halfmoon, String group, RPCHook hook) throws Exception {
        DefaultMQProducer p = hook == null ? new DefaultMQProducer(group) : new DefaultMQProducer(group, hook);
        p.setNamesrvAddr(halfmoon.namesrv());
        p.setInstanceName(Clients.instance());
        p.setSendMsgTimeout(5000);
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        return p;
    }

    static Message message(String topic, String body) {
        return new Message(topic, "t", body.getBytes(StandardCharsets.UTF_8));
    }

    /** The broker's refusal inside what the official client threw (it wraps it when sends are retried). */
    static MQBrokerException brokerError(Exception e) {
        Throwable t = e;
        while (t != null && !(t instanceof MQBrokerException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "no broker error in " + e);
        return (MQBrokerException) t;
    }

    static int refusal(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MQBrokerException b) {
                return b.getResponseCode();
            }
            if (t instanceof org.apache.rocketmq.client.exception.MQClientException c && c.getResponseCode() > 0) {
                return c.getResponseCode();
            }
        }
        return -1;
    }

    @Test
    void sendsNeedAnAccountThatMayPublishAndRefusalsSayNothingOfWhetherTheTopicExists() throws Exception {
        DefaultMQProducer order = producer("PG-order", hook(ORDER_AK, ORDER_SK));
        DefaultMQProducer payment = producer("PG-pay", hook(PAYMENT_AK, PAYMENT_SK));
        DefaultMQProducer anonymous = producer("PG-anon", null);
        DefaultMQProducer forger = producer("PG-forger", hook(ORDER_AK, "not-the-secret"));
        try {
            assertEquals(SendStatus.SEND_OK, order.send(message("Orders", "o-1")).getSendStatus());
            MQBrokerException secret = brokerError(assertThrows(Exception.class, () -> order.send(message("Secret", "x"))));
            assertEquals(ResponseCode.NO_PERMISSION, secret.getResponseCode());
            assertTrue(secret.getErrorMessage().contains("No PUB permission on topic Secret"), secret.getErrorMessage());
            MQBrokerException sub = brokerError(assertThrows(Exception.class, () -> payment.send(message("Orders", "x"))));
            assertEquals(ResponseCode.NO_PERMISSION, sub.getResponseCode(), "SUB does not allow publishing");
            MQBrokerException none = brokerError(assertThrows(Exception.class, () -> anonymous.send(message("Orders", "x"))));
            assertTrue(none.getErrorMessage().contains("No accessKey is configured"), none.toString());
            MQBrokerException forged = brokerError(assertThrows(Exception.class, () -> forger.send(message("Orders", "x"))));
            assertTrue(forged.getErrorMessage().contains("Check signature failed for accessKey=order-service"),
                    forged.getErrorMessage());

            try (RemotingClient raw = new RemotingClient("acl-test")) {
                RemotingCommand ghost = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(sendRequest("Ghost", "x"),
                        ORDER_AK, ORDER_SK), 5000);
                RemotingCommand secretRaw = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(sendRequest("Secret", "x"),
                        ORDER_AK, ORDER_SK), 5000);
                assertEquals(ResponseCode.NO_PERMISSION, ghost.code());
                assertEquals(secretRaw.remark().replace("Secret", "Ghost"), ghost.remark(),
                        "a missing and an existing topic are refused alike");
            }
        } finally {
            for (DefaultMQProducer p : List.of(order, payment, anonymous, forger)) {
                p.shutdown();
            }
        }
    }

    private static RemotingCommand sendRequest(String topic, String body) {
        Map<String, String> h = new HashMap<>();
        h.put("a", "PG-raw");
        h.put("b", topic);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", Long.toString(System.currentTimeMillis()));
        h.put("h", "0");
        h.put("i", "");
        h.put("j", "0");
        h.put("k", "false");
        return RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, h, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSendIsJudgedByTheTopicItWritesToNotByAnAllowedOneNamedBesideIt() {
        try (RemotingClient raw = new RemotingClient("acl-test")) {
            RemotingCommand smuggled = sendRequest("Secret", "x").withExt("topic", "Orders"); // V2 writes to b
            RemotingCommand refused = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(smuggled, ORDER_AK, ORDER_SK), 5000);
            assertEquals(ResponseCode.NO_PERMISSION, refused.code(), refused.remark());
            assertTrue(refused.remark().contains("Secret"), refused.remark());
        }
    }

    @Test
    void aTamperedOrReplayedRequestIsRefused() {
        try (RemotingClient raw = new RemotingClient("acl-test")) {
            RemotingCommand signed = AclSignature.sign(sendRequest("Orders", "pay 10"), ORDER_AK, ORDER_SK);
            assertEquals(ResponseCode.SUCCESS, raw.invokeSync(halfmoon.brokerAddress(), signed, 5000).code());
            RemotingCommand changedBody = signed.withBody("pay 10000".getBytes(StandardCharsets.UTF_8));
            RemotingCommand refused = raw.invokeSync(halfmoon.brokerAddress(), changedBody, 5000);
            assertEquals(ResponseCode.NO_PERMISSION, refused.code());
            assertTrue(refused.remark().contains("Check signature failed"), refused.remark());
            // a header the account could send with, changed after signing: only the signature can refuse it
            RemotingCommand changedQueue = signed.withExt("e", "1");
            RemotingCommand refusedQueue = raw.invokeSync(halfmoon.brokerAddress(), changedQueue, 5000);
            assertEquals(ResponseCode.NO_PERMISSION, refusedQueue.code());
            assertTrue(refusedQueue.remark().contains("Check signature failed"), refusedQueue.remark());
            RemotingCommand badSignature = signed.withExt(AclSignature.SIGNATURE, "AAAA" + signed.ext(AclSignature.SIGNATURE).substring(4));
            RemotingCommand refusedSignature = raw.invokeSync(halfmoon.brokerAddress(), badSignature, 5000);
            assertEquals(ResponseCode.NO_PERMISSION, refusedSignature.code());
            assertTrue(refusedSignature.remark().contains("Check signature failed"), refusedSignature.remark());
        }
    }

    @Test
    void consumersNeedSubOnTopicAndGroup() throws Exception {
        DefaultMQProducer order = producer("PG-order", hook(ORDER_AK, ORDER_SK));
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(null, "payment-group", hook(PAYMENT_AK, PAYMENT_SK),
                new org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(halfmoon.namesrv());
        consumer.setInstanceName(Clients.instance());
        consumer.subscribe("Orders", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.add(new String(m.getBody(), StandardCharsets.UTF_8)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            order.send(message("Orders", "o-2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("o-2"));
        } finally {
            consumer.shutdown();
            order.shutdown();
        }
        try (RemotingClient raw = new RemotingClient("acl-test")) {
            Map<String, String> pull = Map.of("consumerGroup", "payment-group", "topic", "Orders", "queueId", "0",
                    "queueOffset", "0", "maxMsgNums", "32", "sysFlag", "0", "commitOffset", "0", "suspendTimeoutMillis", "0",
                    "subVersion", "0");
            RemotingCommand byOrder = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.PULL_MESSAGE, pull, null), ORDER_AK, ORDER_SK), 5000);
            assertEquals(ResponseCode.NO_PERMISSION, byOrder.code(), "order-service may not read Orders");
            assertTrue(byOrder.remark().contains("topic Orders"), byOrder.remark());
            RemotingCommand otherGroup = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.PULL_MESSAGE, new HashMap<>(Map.of("consumerGroup", "audit-group", "topic", "Orders", "queueId", "0",
                            "queueOffset", "0", "maxMsgNums", "32", "sysFlag", "0", "commitOffset", "0", "suspendTimeoutMillis",
                            "0", "subVersion", "0")), null), PAYMENT_AK, PAYMENT_SK), 5000);
            assertEquals(ResponseCode.NO_PERMISSION, otherGroup.code(), "payment-service may not use another group");
            assertTrue(otherGroup.remark().contains("group audit-group"), otherGroup.remark());
        }
    }

    @Test
    void onlyPublishersOfTheTopicEndTransactionsAndOnlyAdminsResolveThemByHand() throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer(null, "PG-tx", hook(ORDER_AK, ORDER_SK));
        producer.setNamesrvAddr(halfmoon.namesrv());
        producer.setInstanceName(Clients.instance());
        producer.setTransactionListener(Clients.listener(msg -> new String(msg.getBody(), StandardCharsets.UTF_8)
                .startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW,
                msg -> LocalTransactionState.UNKNOW));
        producer.start();
        try (RemotingClient raw = new RemotingClient("acl-test")) {
            producer.sendMessageInTransaction(message("Orders", "commit-1"), null);
            producer.sendMessageInTransaction(message("Orders", "pending-1"), null);
            Map<String, Object> pending = await().atMost(Duration.ofSeconds(20)).until(() -> onlyPending(raw), p -> p != null);
            String halfOffset = String.valueOf(pending.get("halfOffset"));
            String id = (String) pending.get("transactionId");
            Map<String, String> end = Map.of("producerGroup", "PG-tx", "tranStateTableOffset", "0", "commitLogOffset", halfOffset,
                    "commitOrRollback", "8", "fromTransactionCheck", "false", "msgId", id, "transactionId", id);
            RemotingCommand byPayment = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.END_TRANSACTION, end, null), PAYMENT_AK, PAYMENT_SK), 5000);
            assertEquals(ResponseCode.NO_PERMISSION, byPayment.code(), "payment-service may not publish to Orders");
            Map<String, String> byIdOnly = new HashMap<>(end);
            byIdOnly.put("commitLogOffset", "0"); // no half there: the id alone names no transaction (nor a way around ACL)
            RemotingCommand byPaymentById = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.END_TRANSACTION, byIdOnly, null), PAYMENT_AK, PAYMENT_SK), 5000);
            assertNotEquals(ResponseCode.SUCCESS, byPaymentById.code(), "an END naming another half resolves nothing");
            assertEquals(id, onlyPending(raw).get("transactionId"), "still pending");
            RemotingCommand resolveByOrder = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.HM_RESOLVE_TRANSACTION, Map.of("id", id, "decision", "COMMIT"), null), ORDER_AK, ORDER_SK), 5000);
            assertEquals(ResponseCode.NO_PERMISSION, resolveByOrder.code());
            assertTrue(resolveByOrder.remark().contains("Need admin permission"), resolveByOrder.remark());
            RemotingCommand resolveByAdmin = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                    RequestCode.HM_RESOLVE_TRANSACTION, Map.of("id", id, "decision", "ROLLBACK"), null), ADMIN_AK, ADMIN_SK), 5000);
            assertEquals(ResponseCode.SUCCESS, resolveByAdmin.code(), resolveByAdmin.remark());
        } finally {
            producer.shutdown();
        }
    }

    /** A transactional producer of {@code group} signing as {@code ak}, answering check-backs with {@code answer}, counted. */
    private TransactionMQProducer txProducer(String group, String ak, String sk, java.util.concurrent.atomic.AtomicInteger checks,
                                             LocalTransactionState answer) throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer(null, group, hook(ak, sk));
        producer.setNamesrvAddr(halfmoon.namesrv());
        producer.setInstanceName(Clients.instance());
        producer.setHeartbeatBrokerInterval(500); // (it heartbeats the brokers of the routes it knows: soon after a send)
        producer.setTransactionListener(Clients.listener(msg -> LocalTransactionState.UNKNOW, msg -> {
            checks.incrementAndGet();
            return answer;
        }));
        producer.start();
        return producer;
    }

    /**
     * Check-backs carry uncommitted messages: an account that may not publish to the topic gets none by joining the
     * producer group (it would read them, and leave them unanswered until the transaction is given up).
     */
    @Test
    void checkBacksGoOnlyToProducersWhoseAccountMayPublishToTheTopic() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ownerChecks = new java.util.concurrent.atomic.AtomicInteger();
        TransactionMQProducer owner = txProducer("PG-checked", ORDER_AK, ORDER_SK, ownerChecks, LocalTransactionState.UNKNOW);
        owner.sendMessageInTransaction(message("Orders", "undecided"), null);
        owner.shutdown(); // gone before its transaction's first check-back
        java.util.concurrent.atomic.AtomicInteger impostorChecks = new java.util.concurrent.atomic.AtomicInteger();
        TransactionMQProducer impostor = txProducer("PG-checked", PAYMENT_AK, PAYMENT_SK, impostorChecks,
                LocalTransactionState.UNKNOW);
        try {
            // its send is refused, but it learns the route, so it heartbeats the broker as a producer of the group
            assertEquals(ResponseCode.NO_PERMISSION, refusal(assertThrows(Exception.class,
                    () -> impostor.send(message("Orders", "not mine")))));
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> impostorChecks.get() == 0);
            java.util.concurrent.atomic.AtomicInteger backChecks = new java.util.concurrent.atomic.AtomicInteger();
            TransactionMQProducer back = txProducer("PG-checked", ORDER_AK, ORDER_SK, backChecks,
                    LocalTransactionState.COMMIT_MESSAGE);
            try {
                back.send(message("Orders", "plain"));
                await().atMost(Duration.ofSeconds(20)).until(() -> backChecks.get() > 0);
                assertEquals(0, impostorChecks.get());
            } finally {
                back.shutdown();
            }
        } finally {
            impostor.shutdown();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyPending(RemotingClient raw) {
        RemotingCommand list = raw.invokeSync(halfmoon.brokerAddress(), AclSignature.sign(RemotingCommand.request(
                RequestCode.HM_LIST_PENDING_TRANSACTIONS, Map.of("limit", "10"), null), ADMIN_AK, ADMIN_SK), 5000);
        List<Map<String, Object>> txs = (List<Map<String, Object>>) Json.decode(list.body(), Map.class).get("transactions");
        return txs.size() == 1 ? txs.get(0) : null;
    }

    @Test
    void adminCallsNeedAnAdminAccountAndTheFileIsReloaded() throws Exception {
        DefaultMQAdminExt asOrder = Clients.admin(halfmoon.namesrv(), hook(ORDER_AK, ORDER_SK));
        DefaultMQAdminExt asAdmin = Clients.admin(halfmoon.namesrv(), hook(ADMIN_AK, ADMIN_SK));
        DefaultMQProducer order = producer("PG-order", hook(ORDER_AK, ORDER_SK));
        try {
            Exception refused = assertThrows(Exception.class, () -> asOrder.createAndUpdateTopicConfig(halfmoon.brokerAddress(),
                    new TopicConfig("Audit", 1, 1, 6)));
            assertEquals(ResponseCode.NO_PERMISSION, refusal(refused), refused.toString());
            asAdmin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Audit", 1, 1, 6));
            // what mqadmin reads about who consumes and produces is for admins too
            Exception who = assertThrows(Exception.class, () -> asOrder.queryTopicConsumeByWho("Orders"));
            assertEquals(ResponseCode.NO_PERMISSION, refusal(who), who.toString());
            asAdmin.queryTopicConsumeByWho("Orders");

            Files.writeString(aclFile, acl("      - Orders=PUB\n      - Secret=PUB"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    return order.send(message("Secret", "now allowed")).getSendStatus() == SendStatus.SEND_OK;
                } catch (Exception e) {
                    return false;
                }
            });
            // a malformed file keeping the rules in force: AccessControlReloadTest
        } finally {
            order.shutdown();
            asOrder.shutdown();
            asAdmin.shutdown();
        }
    }

    @Test
    void halfmoonsOwnClientAndAdminToolSign() throws Exception {
        dev.halfmoon.client.ClientOptions options = dev.halfmoon.client.ClientOptions.of(halfmoon.namesrv());
        try (dev.halfmoon.client.Producer signed = dev.halfmoon.client.Producer.start(options.withCredentials(ORDER_AK, ORDER_SK),
                "PG-ours");
             dev.halfmoon.client.Producer unsigned = dev.halfmoon.client.Producer.start(options, "PG-ours-anon")) {
            assertEquals("Orders", signed.send(dev.halfmoon.client.Message.builder("Orders").body(new byte[] {1}).build()).topic());
            Exception refused = assertThrows(Exception.class,
                    () -> unsigned.send(dev.halfmoon.client.Message.builder("Orders").body(new byte[] {1}).build()));
            assertTrue(refused.getMessage().contains("No accessKey is configured"), refused.toString());
        }
        assertEquals(0, admin(Map.of("HALFMOON_ACCESS_KEY", ADMIN_AK, "HALFMOON_SECRET_KEY", ADMIN_SK), "pending", "list"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, dev.halfmoon.admin.AdminMain.run(new String[] {"--namesrv", halfmoon.namesrv(), "--access-key", ORDER_AK,
            "--secret-key", ORDER_SK, "topic", "list"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Need admin permission"), err.toString(StandardCharsets.UTF_8));
        assertEquals(1, admin(Map.of(), "pending", "list"), "unsigned");
    }

    private int admin(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--namesrv";
        all[1] = halfmoon.namesrv();
        System.arraycopy(args, 0, all, 2, args.length);
        return dev.halfmoon.admin.AdminMain.run(all, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), env);
    }

    @Test
    void theHttpApiNeedsAnAdminAccountButMetricsAnyAccountAndHealthNone() throws Exception {
        String base = halfmoon.running.broker().httpAddress().orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/api/transactions/pending")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/api/transactions/pending")).header(
                "Authorization", basic(ORDER_AK, ORDER_SK)).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "not an admin");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", basic(ORDER_AK,
                ORDER_SK)).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "a scraper's key need not be an admin's");
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", basic(ADMIN_AK,
                "wrong-secret")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/api/transactions/pending")).header("Authorization",
                basic(ADMIN_AK, ADMIN_SK)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static String basic(String ak, String sk) {
        return "Basic " + Base64.getEncoder().encodeToString((ak + ":" + sk).getBytes(StandardCharsets.UTF_8));
    }
}
