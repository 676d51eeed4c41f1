package dev.halfmoon.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.admin.AdminMain;
import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.ConsumeResult;
import dev.halfmoon.client.Message;
import dev.halfmoon.client.MessageView;
import dev.halfmoon.client.Producer;
import dev.halfmoon.client.PushConsumer;
import dev.halfmoon.client.SendReceipt;
import dev.halfmoon.client.TransactionListener;
import dev.halfmoon.client.TransactionOutcome;
import dev.halfmoon.client.TransactionProducer;
import dev.halfmoon.testkit.Closer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Halfmoon's own client and admin tool against a real Apache RocketMQ 5.2.0 name server and broker
 * (the jars the compare benchmark runs): proof that they speak the protocol as RocketMQ does, not
 * only as Halfmoon understands it.
 */
@Timeout(300)
class OurClientOnRocketMqTest {
    static RocketMqServer rocketmq;

    @BeforeAll
    static void startRocketMq() throws Exception {
        if (System.getProperty("halfmoon.home") == null) {
            System.setProperty("halfmoon.home", ".."); // Maven runs the tests in benchmarks/
        }
        rocketmq = RocketMqServer.start("ASYNC_FLUSH", 3000, RocketMqServer.SMALL_BROKER_JVM);
    }

    @AfterAll
    static void stopRocketMq() {
        if (rocketmq != null) {
            rocketmq.close();
        }
    }

    /** Runs halfmoon-admin against RocketMQ's name server; asserts it succeeded and returns its standard output. */
    private static String admin(String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[command.length + 2];
        args[0] = "--namesrv";
        args[1] = rocketmq.namesrv();
        System.arraycopy(command, 0, args, 2, command.length);
        int code = AdminMain.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out), new PrintStream(err), Map.of());
        assertEquals(0, code, "halfmoon-admin " + String.join(" ", command) + " on RocketMQ: " + out + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void createTopic(String topic) {
        admin("topic", "create", topic, "--queues", "4");
    }

    private static PushConsumer consumer(String group, String topic, Set<String> bodies) {
        return PushConsumer.builder(ClientOptions.of(rocketmq.namesrv()), group).subscribe(topic, "*")
                .rebalanceInterval(Duration.ofMillis(500)).handler((MessageView m) -> {
                    bodies.add(new String(m.body(), StandardCharsets.UTF_8));
                    return ConsumeResult.SUCCESS;
                }).start();
    }

    private static Message message(String topic, String body) {
        return Message.builder(topic).body(body.getBytes(StandardCharsets.UTF_8)).keys(body).build();
    }

    @Test
    void ourAdminCreatesATopicAndOurProducerAndConsumerExchangeMessages() throws Exception {
        createTopic("InteropPlain");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (Closer closer = new Closer()) {
            Producer producer = closer.track(Producer.start(ClientOptions.of(rocketmq.namesrv()), "PG-interop-plain"));
            closer.track(consumer("CG-interop-plain", "InteropPlain", received));
            for (int i = 0; i < 20; i++) {
                SendReceipt receipt = producer.send(message("InteropPlain", "plain-" + i));
                assertEquals("InteropPlain", receipt.topic());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 20);

            // the admin tool reads RocketMQ's answers: brokers, queues, a group's progress, the key index
            assertTrue(admin("cluster", "list").contains("broker-a"));
            assertTrue(admin("-o", "json", "topic", "describe", "InteropPlain").contains("broker-a"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Map<?, ?> group = dev.halfmoon.remoting.Json.decode(admin("-o", "json", "group", "describe",
                        "CG-interop-plain").getBytes(StandardCharsets.UTF_8), Map.class);
                return String.valueOf(group.get("subscriptions")).contains("InteropPlain")
                        && ((Number) group.get("lag")).longValue() == 0 && !((java.util.List<?>) group.get("queues")).isEmpty();
            });
            assertTrue(admin("message", "find", "--topic", "InteropPlain", "--key", "plain-7").contains("plain-7"));
        }
    }

    /** A message our consumer asks to retry goes back through RocketMQ's retry topic and comes again. */
    @Test
    void aMessageRetriedByOurConsumerComesBackThroughRocketMqsRetryTopic() throws Exception {
        createTopic("InteropRetry");
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        Map<String, Integer> reconsumeTimes = new ConcurrentHashMap<>();
        try (Closer closer = new Closer()) {
            closer.track(PushConsumer.builder(ClientOptions.of(rocketmq.namesrv()), "CG-interop-retry")
                    .subscribe("InteropRetry", "*").rebalanceInterval(Duration.ofMillis(500)).handler((MessageView m) -> {
                        String body = new String(m.body(), StandardCharsets.UTF_8);
                        reconsumeTimes.put(body, m.reconsumeTimes());
                        return deliveries.merge(body, 1, Integer::sum) == 1 ? ConsumeResult.RETRY_LATER : ConsumeResult.SUCCESS;
                    }).start());
            Producer producer = closer.track(Producer.start(ClientOptions.of(rocketmq.namesrv()), "PG-interop-retry"));
            producer.send(message("InteropRetry", "retry-me"));
            // RocketMQ redelivers a first retry after its delay level 3, 10 s
            await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.getOrDefault("retry-me", 0) == 2);
            assertEquals(1, reconsumeTimes.get("retry-me"), "the redelivery counts one reconsume");
        }
    }

    @Test
    void transactionsCommitRollBackAndAnswerRocketMqsCheckBacks() throws Exception {
        createTopic("InteropTx");
        Set<String> received = ConcurrentHashMap.newKeySet();
        Set<String> checked = ConcurrentHashMap.newKeySet();
        TransactionListener listener = new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                return (TransactionOutcome) arg;
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                String body = new String(message.body(), StandardCharsets.UTF_8);
                checked.add(body);
                return body.startsWith("unknown") ? TransactionOutcome.COMMIT : TransactionOutcome.ROLLBACK;
            }
        };
        try (Closer closer = new Closer()) {
            TransactionProducer producer = closer.track(TransactionProducer.start(ClientOptions.of(rocketmq.namesrv()),
                    "PG-interop-tx", listener));
            closer.track(consumer("CG-interop-tx", "InteropTx", received));
            for (int i = 0; i < 5; i++) {
                producer.sendInTransaction(message("InteropTx", "commit-" + i), TransactionOutcome.COMMIT);
                producer.sendInTransaction(message("InteropTx", "rollback-" + i), TransactionOutcome.ROLLBACK);
                producer.sendInTransaction(message("InteropTx", "unknown-" + i), TransactionOutcome.UNKNOWN);
            }
            // RocketMQ checks back after its 3 s transaction timeout, on its 5 s check interval
            await().atMost(Duration.ofSeconds(90)).until(() -> received.size() >= 10);
            for (int i = 0; i < 5; i++) {
                assertTrue(received.contains("commit-" + i), "commit-" + i + " delivered");
                assertTrue(received.contains("unknown-" + i), "unknown-" + i + " committed by its check-back");
                assertTrue(checked.contains("unknown-" + i), "RocketMQ asked about unknown-" + i);
            }
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> received.stream().noneMatch(b -> b.startsWith("rollback")));
            assertEquals(10, received.size(), "no rolled-back message delivered: " + received);
        }
    }
}
