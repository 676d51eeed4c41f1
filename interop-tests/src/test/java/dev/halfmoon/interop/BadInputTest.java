package dev.halfmoon.interop;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on some connections: each gets a clear error code and remark, or its connection
 * closes; meanwhile an official client keeps sending and consuming on its own connections
 * without an error or a stall.
 */
@Timeout(120)
class BadInputTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    RemotingClient raw;
    DefaultMQProducer producer;
    DefaultMQPushConsumer consumer;
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger sendErrors = new AtomicInteger();
    final AtomicLong slowestSendMs = new AtomicLong();
    final AtomicBoolean sending = new AtomicBoolean(true);
    Thread goodClient;

    @BeforeEach
    void start() throws Exception {
        halfmoon = new HalfmoonFixture(dir).set("maxMessageSize", "4096").start();
        Admin.createTopic(halfmoon, "Good", 2);
        producer = Clients.producer(halfmoon.namesrv(), "PG-good");
        producer.start();
        consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-good");
        consumer.subscribe("Good", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                seen.add(new String(m.getBody(), StandardCharsets.UTF_8));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        goodClient = new Thread(() -> {
            for (int i = 0; sending.get() && i < 100_000; i++) {
                long t0 = System.nanoTime();
                try {
                    producer.send(new Message("Good", ("good-" + i).getBytes()));
                    sent.incrementAndGet();
                } catch (Exception e) {
                    sendErrors.incrementAndGet();
                }
                slowestSendMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            }
        }, "good-client");
        goodClient.start();
        raw = new RemotingClient("bad-input");
    }

    @AfterEach
    void stop() throws Exception {
        sending.set(false);
        goodClient.join(10_000);
        raw.close();
        consumer.shutdown();
        producer.shutdown();
        halfmoon.close();
    }

    private RemotingCommand ask(int code, Map<String, String> header, byte[] body) {
        return raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(code, header, body), 5000);
    }

    private static Map<String, String> sendHeader(String topic) {
        Map<String, String> h = new HashMap<>(Map.of("a", "PG", "b", topic, "c", "TBW102", "d", "4", "e", "0", "f", "0",
                "g", Long.toString(System.currentTimeMillis()), "h", "0"));
        return h;
    }

    /** Writes {@code bytes} on a fresh connection and tells whether the broker closed it. */
    private boolean closesAfter(byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(halfmoon.brokerAddress().split(":")[1]))) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // drain anything the broker answered
                }
                return true;
            } catch (SocketException e) {
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            }
        }
    }

    @Test
    void badRequestsGetClearAnswersOrLoseTheirConnectionWhileAGoodClientCarriesOn() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() > 20);

        RemotingCommand unknownCode = ask(4321, Map.of(), null);
        assertEquals(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, unknownCode.code());
        assertTrue(unknownCode.remark().contains("4321"));

        Map<String, String> missingTopic = sendHeader("Good");
        missingTopic.remove("b");
        RemotingCommand missing = ask(RequestCode.SEND_MESSAGE_V2, missingTopic, "x".getBytes());
        assertEquals(ResponseCode.SYSTEM_ERROR, missing.code());
        assertTrue(missing.remark().contains("'b'"), missing.remark());

        Map<String, String> garbledQueue = sendHeader("Good");
        garbledQueue.put("e", "not-a-number");
        RemotingCommand garbled = ask(RequestCode.SEND_MESSAGE_V2, garbledQueue, "x".getBytes());
        assertEquals(ResponseCode.SYSTEM_ERROR, garbled.code());
        assertTrue(garbled.remark().contains("'e'") && garbled.remark().contains("not-a-number"), garbled.remark());

        RemotingCommand unknownTopic = ask(RequestCode.SEND_MESSAGE_V2, sendHeader("NoSuchTopic"), "x".getBytes());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, unknownTopic.code());
        assertTrue(unknownTopic.remark().contains("NoSuchTopic"));

        Map<String, String> wideProperties = sendHeader("Good");
        wideProperties.put("i", "KEYS\u0001" + "\u5B57".repeat(12_000)); // 12 000 characters, 36 000 bytes of UTF-8
        RemotingCommand tooWide = ask(RequestCode.SEND_MESSAGE_V2, wideProperties, "x".getBytes());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, tooWide.code(), tooWide.remark());
        RemotingCommand deleteDefault = ask(RequestCode.DELETE_TOPIC_IN_BROKER, Map.of("topic", "TBW102"), null);
        assertEquals(ResponseCode.SYSTEM_ERROR, deleteDefault.code(), "auto-creation's template topic stays");

        RemotingCommand noGroup = ask(RequestCode.SEND_MESSAGE_V2, sendHeader("%RETRY%"), "x".getBytes());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, noGroup.code(), "a retry topic without its group");
        Map<String, String> exhaustedBadName = sendHeader("%RETRY%bad group");
        exhaustedBadName.put("j", "99"); // reconsumeTimes past any maximum: it would go to a dead-letter topic
        RemotingCommand badName = ask(RequestCode.SEND_MESSAGE_V2, exhaustedBadName, "x".getBytes());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, badName.code(), badName.remark());
        String topics = new String(ask(RequestCode.GET_ALL_TOPIC_CONFIG, null, null).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!topics.contains("%DLQ%bad group"), "no dead-letter topic made from a refused name");

        Map<String, String> pastTheQueues = sendHeader("Good");
        pastTheQueues.put("e", "99"); // a stale route: not quietly stored on another queue
        RemotingCommand badQueue = ask(RequestCode.SEND_MESSAGE_V2, pastTheQueues, "x".getBytes());
        assertEquals(ResponseCode.SYSTEM_ERROR, badQueue.code());
        assertTrue(badQueue.remark().contains("queueId[99] is illegal"), badQueue.remark());

        RemotingCommand tooLarge = ask(RequestCode.SEND_MESSAGE_V2, sendHeader("Good"), new byte[5000]);
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, tooLarge.code());
        assertTrue(tooLarge.remark().contains("maxMessageSize"), tooLarge.remark());

        RemotingCommand badHeartbeat = ask(RequestCode.HEART_BEAT, null, "{not json".getBytes());
        assertEquals(ResponseCode.SYSTEM_ERROR, badHeartbeat.code());
        assertTrue(badHeartbeat.remark().contains("HeartbeatData"), badHeartbeat.remark());

        RemotingCommand badPull = ask(RequestCode.PULL_MESSAGE, Map.of("consumerGroup", "g", "topic", "Good",
                "queueId", "99", "queueOffset", "0"), null);
        assertEquals(ResponseCode.SYSTEM_ERROR, badPull.code());
        assertTrue(badPull.remark().contains("queueId[99]"), badPull.remark());

        assertTrue(closesAfter(ByteBuffer.allocate(8).putInt(64 << 20).putInt(0).array()), "oversized length");
        byte[] header = "{\"code\":10,,,}".getBytes();
        assertTrue(closesAfter(ByteBuffer.allocate(8 + header.length).putInt(4 + header.length).putInt(header.length)
                .put(header).array()), "garbled JSON header");
        assertTrue(closesAfter(ByteBuffer.allocate(12).putInt(8).putInt(9 << 24 | 2).putShort((short) 0).array()),
                "unknown serialize type");
        Random random = new Random(1);
        int port = Integer.parseInt(halfmoon.brokerAddress().split(":")[1]);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(512) + 8];
            random.nextBytes(junk);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(junk);
            }
        }
        try (Socket truncated = new Socket("127.0.0.1", Integer.parseInt(halfmoon.brokerAddress().split(":")[1]))) {
            truncated.getOutputStream().write(ByteBuffer.allocate(8).putInt(100).putInt(20).array());
        }

        int before = sent.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() > before + 50);
        sending.set(false);
        goodClient.join(10_000);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < sent.get(); i++) {
            expected.add("good-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsAll(expected));
        assertEquals(0, sendErrors.get());
        assertTrue(slowestSendMs.get() < 1000, "slowest good send took " + slowestSendMs.get() + " ms");
    }
}
