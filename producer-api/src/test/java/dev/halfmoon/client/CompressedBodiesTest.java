package dev.halfmoon.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.halfmoon.message.Compression;
import dev.halfmoon.message.SysFlag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.DeflaterOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Bodies stored compressed, as RocketMQ producers send them: RocketMQ 4 with ZLIB, RocketMQ 5 with ZLIB, LZ4 or ZSTD
 * (the official 5.x producer itself is in the 5.x interop module's CompressedBodiesInteropTest).
 */
class CompressedBodiesTest extends ClientTestBase {
    private static final byte[] TEXT = ("order 42 paid; " + "line item, ".repeat(600)).getBytes(UTF_8);

    @Test
    void bodiesCompressedAsRocketMqProducersDoAreDeliveredDecompressed() throws Exception {
        topic("Packed", 1);
        Producer producer = track(Producer.start(options, "PG"));
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, "CG-packed").subscribe("Packed", "*").rebalanceInterval(Duration.ofMillis(300))
                .handler(m -> {
                    got.put(m.tag(), m.body());
                    return ConsumeResult.SUCCESS;
                }).start());
        producer.send(packed("Packed", "LZ4", lz4(TEXT)), null, Map.of(), Compression.flag(Compression.LZ4), false).join();
        producer.send(packed("Packed", "ZSTD", Zstd.compress(TEXT)), null, Map.of(), Compression.flag(Compression.ZSTD), false).join();
        producer.send(packed("Packed", "ZLIB", zlib(TEXT)), null, Map.of(), Compression.flag(Compression.ZLIB), false).join();
        producer.send(packed("Packed", "ZLIB-4x", zlib(TEXT)), null, Map.of(), SysFlag.COMPRESSED, false).join(); // RocketMQ 4

        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 4);
        got.forEach((tag, body) -> assertArrayEquals(TEXT, body, tag));

        try (PullConsumer pull = PullConsumer.start(options, "CG-packed-pull")) {
            pull.assign(pull.queues("Packed"));
            List<MessageView> pulled = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                pulled.addAll(pull.poll(Duration.ofMillis(200)));
                return pulled.size() == 4;
            });
            pulled.forEach(m -> assertArrayEquals(TEXT, m.body(), m.tag()));
        }
    }

    @Test
    void aBodyThatDoesNotDecompressGoesToTheDeadLetterQueueAsStoredAndTheQueueGoesOn() {
        topic("Mangled", 1);
        Producer producer = track(Producer.start(options, "PG"));
        List<String> handled = new CopyOnWriteArrayList<>();
        track(PushConsumer.builder(options, "CG-mangled").subscribe("Mangled", "*").rebalanceInterval(Duration.ofMillis(300))
                .handler(m -> {
                    handled.add(m.tag());
                    m.body();
                    return ConsumeResult.SUCCESS;
                }).start());
        producer.send(packed("Mangled", "bad", "not an LZ4 frame".getBytes(UTF_8)), null, Map.of(), Compression.flag(Compression.LZ4), false)
                .join();
        producer.send(packed("Mangled", "after", "fine".getBytes(UTF_8)));

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("after"));
        assertEquals(List.of("after"), handled, "the handler never sees the unreadable message");

        try (PullConsumer dead = PullConsumer.start(options, "CG-dlq-reader")) {
            List<MessageView> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> { // at once, not after the group's retries
                if (dead.queues("%DLQ%CG-mangled").isEmpty()) {
                    return false;
                }
                dead.assign(dead.queues("%DLQ%CG-mangled"));
                letters.addAll(dead.poll(Duration.ofMillis(200)));
                return !letters.isEmpty();
            });
            MessageView letter = letters.get(0);
            assertEquals("bad", letter.tag());
            assertTrue(letter.bodyProblem().contains("LZ4"), letter.bodyProblem());
            ClientException e = assertThrows(ClientException.class, letter::body);
            assertTrue(e.getMessage().contains(letter.messageId()), e.getMessage());
        }
    }

    private static Message packed(String topic, String tag, byte[] body) {
        return Message.builder(topic).body(body).tag(tag).build();
    }

    private static byte[] lz4(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new LZ4FrameOutputStream(out)) {
            lz4.write(text);
        }
        return out.toByteArray();
    }

    private static byte[] zlib(byte[] text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zlib = new DeflaterOutputStream(out)) {
            zlib.write(text);
        }
        return out.toByteArray();
    }
}
