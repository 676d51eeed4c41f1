package dev.halfmoon.client;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.Closer;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real Halfmoon for client tests, with short delays and transaction timeouts; closes what tests open. */
abstract class ClientTestBase {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    ClientOptions options;
    final Closer closer = new Closer();

    @BeforeEach
    void startHalfmoon() {
        halfmoon = new HalfmoonFixture(dir).set("transactionTimeOut", "1000").set("transactionCheckInterval", "2000")
                .set("messageDelayLevel", "1s 2s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s").start();
        options = ClientOptions.of(halfmoon.namesrv()).withRefresh(Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @AfterEach
    void stopHalfmoon() throws Exception {
        closer.close();
        halfmoon.close();
    }

    <T extends AutoCloseable> T track(T c) {
        return closer.track(c);
    }

    void topic(String name, int queues) {
        Admin.createTopic(halfmoon, name, queues);
    }

    /** Creates {@code topic} with {@code queues} queues and sends it {@code prefix}0 .. {@code prefix}(n-1); the producer. */
    Producer sent(String topic, int queues, String prefix, int n) {
        topic(topic, queues);
        Producer producer = track(Producer.start(options, "PG"));
        for (int i = 0; i < n; i++) {
            producer.send(message(topic, prefix + i));
        }
        return producer;
    }

    static Message message(String topic, String body) {
        return Message.builder(topic).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    static String body(MessageView m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    /** A push consumer counting deliveries per body. */
    Map<String, Integer> consume(String group, String topic, String tags) {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, group).subscribe(topic, tags).rebalanceInterval(Duration.ofMillis(500))
                .handler(m -> {
                    seen.merge(body(m), 1, Integer::sum);
                    return ConsumeResult.SUCCESS;
                }).start());
        return seen;
    }
}
