package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Queries by offset message id, by key with a time range, by unique id, and offsets by time, through the official client. */
@Timeout(60)
class QueryTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    DefaultMQProducer producer;

    @BeforeEach
    void start() throws Exception {
        halfmoon = new HalfmoonFixture(dir).start();
        Admin.createTopic(halfmoon, "Invoices", 2);
        producer = Clients.producer(halfmoon.namesrv(), "PG-invoices");
        producer.start();
    }

    @AfterEach
    void stop() {
        producer.shutdown();
        halfmoon.close();
    }

    @Test
    @SuppressWarnings("deprecation")
    void queriesFindExactlyWhatWasSent() throws Exception {
        List<SendResult> sent = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Message m = new Message("Invoices", "tag", "invoice-" + i + " customer-" + (i % 2), ("body-" + i).getBytes());
            times.add(System.currentTimeMillis());
            sent.add(producer.send(m));
            long before = System.currentTimeMillis();
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(() -> System.currentTimeMillis() > before + 5);
        }
        MessageExt byOffsetId = producer.viewMessage("Invoices", sent.get(3).getOffsetMsgId());
        assertEquals("body-3", new String(byOffsetId.getBody(), StandardCharsets.UTF_8));
        MessageExt byUniqueId = producer.viewMessage("Invoices", sent.get(4).getMsgId());
        assertEquals("body-4", new String(byUniqueId.getBody(), StandardCharsets.UTF_8));

        List<String> customer1 = producer.queryMessage("Invoices", "customer-1", 32, 0, Long.MAX_VALUE).getMessageList()
                .stream().map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).sorted().toList();
        assertEquals(List.of("body-1", "body-3", "body-5"), customer1);
        List<String> recent = producer.queryMessage("Invoices", "customer-0", 32, times.get(3), Long.MAX_VALUE).getMessageList()
                .stream().map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("body-4"), recent);
        assertThrows(Exception.class, () -> producer.queryMessage("Invoices", "nobody", 32, 0, Long.MAX_VALUE));

        MessageQueue queue = sent.get(3).getMessageQueue();
        long offset = producer.searchOffset(queue, times.get(3));
        assertEquals(sent.get(3).getQueueOffset(), offset);
    }

    /** A client with traces on finds the trace topic (made at start: topics are not made on first send by default). */
    @Test
    void aTracedSendsTraceReachesTheTraceTopic() throws Exception {
        DefaultMQProducer traced = Clients.tracedProducer(halfmoon.namesrv(), "PG-traced");
        traced.start();
        org.apache.rocketmq.client.consumer.DefaultLitePullConsumer traces = Clients.litePullConsumer(halfmoon.namesrv(),
                "CG-traces");
        try {
            SendResult sent = traced.send(new Message("Invoices", "traced".getBytes()));
            traces.subscribe("RMQ_SYS_TRACE_TOPIC", "*");
            traces.start();
            StringBuilder seen = new StringBuilder();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (MessageExt m : traces.poll(200)) {
                    seen.append(new String(m.getBody(), StandardCharsets.UTF_8));
                }
                return seen.indexOf(sent.getMsgId()) >= 0;
            });
        } finally {
            traces.shutdown();
            traced.shutdown();
        }
    }
}
