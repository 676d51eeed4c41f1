package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.ConsumeResult;
import dev.halfmoon.client.PushConsumer;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official 5.x producer compresses bodies over 4 KiB with the type its {@code setCompressType} chose; Halfmoon's
 * own consumer delivers each decompressed (5.x only: the 4.x producer knows ZLIB alone).
 */
@Timeout(60)
class CompressedBodiesInteropTest {
    private static final byte[] BODY = ("order 7 shipped; " + "parcel, ".repeat(1200)).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;

    @BeforeEach
    void start() {
        halfmoon = new HalfmoonFixture(dir).start();
        Admin.createTopic(halfmoon, "Shipments", 2);
    }

    @AfterEach
    void stop() {
        halfmoon.close();
    }

    @Test
    void bodiesTheOfficialProducerCompressedWithEachTypeReachHalfmoonsConsumerAsSent() throws Exception {
        for (CompressionType type : CompressionType.values()) {
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-" + type);
            producer.setCompressType(type);
            producer.start();
            try {
                producer.send(new Message("Shipments", type.name(), BODY));
            } finally {
                producer.shutdown();
            }
        }
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        ClientOptions options = ClientOptions.of(halfmoon.namesrv());
        try (PushConsumer consumer = PushConsumer.builder(options, "CG-shipments").subscribe("Shipments", "*")
                .rebalanceInterval(Duration.ofMillis(300)).handler(m -> {
                    got.put(m.tag(), m.body());
                    return ConsumeResult.SUCCESS;
                }).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == CompressionType.values().length);
        }
        got.forEach((type, body) -> assertArrayEquals(BODY, body, type));
    }
}
