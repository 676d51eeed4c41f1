package dev.halfmoon.admin;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.ConsumeResult;
import dev.halfmoon.client.Message;
import dev.halfmoon.client.PushConsumer;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.testkit.Closer;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real Halfmoon with quick check-backs for the operator tests; closes what a test opens. */
abstract class LiveBrokerTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    ClientOptions options;
    final Closer closer = new Closer();

    @BeforeEach
    void startBroker() {
        halfmoon = new HalfmoonFixture(dir).set("transactionTimeOut", "500").set("transactionCheckInterval", "1000").start();
        options = ClientOptions.of(halfmoon.namesrv()).withRefresh(Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @AfterEach
    void stopBroker() throws Exception {
        closer.close();
        halfmoon.close();
    }

    <T extends AutoCloseable> T track(T c) {
        return closer.track(c);
    }

    static Message message(String topic, String body, String key) {
        return Message.builder(topic).body(body.getBytes(StandardCharsets.UTF_8)).keys(key).tag("t").build();
    }

    /**
     * Sends {@code body} to {@code topic}'s queue 0 as a producer can on the wire but Halfmoon's client does not: with
     * {@code sysFlag} and {@code properties} as given ({@code KEY\u0001VALUE\u0002...}); the response code.
     */
    int rawSend(String topic, int sysFlag, String properties, byte[] body) {
        RemotingClient raw = track(new RemotingClient("test"));
        Map<String, String> h = new HashMap<>(Map.of("a", "PG-raw", "b", topic, "c", "TBW102", "d", "4", "e", "0",
                "f", Integer.toString(sysFlag), "g", Long.toString(System.currentTimeMillis()), "h", "0", "j", "0",
                "k", "false"));
        h.put("i", properties);
        return raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, h, body), 5000)
                .code();
    }

    /** A push consumer counting deliveries per body. */
    Map<String, Integer> consume(String group, String topic) {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        track(PushConsumer.builder(options, group).subscribe(topic, "*").rebalanceInterval(Duration.ofMillis(500))
                .handler(m -> {
                    seen.merge(new String(m.body(), StandardCharsets.UTF_8), 1, Integer::sum);
                    return ConsumeResult.SUCCESS;
                }).start());
        return seen;
    }

    /** What a run of the admin tool printed and its exit code. */
    record Run(int code, String out, String err) {
        Map<String, Object> json() {
            return jsonObject(out);
        }

        List<Map<String, Object>> jsonList() {
            return jsonArray(out);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(String text) {
        return Json.decode(text.getBytes(StandardCharsets.UTF_8), Map.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> jsonArray(String text) {
        return Json.decode(text.getBytes(StandardCharsets.UTF_8), List.class);
    }

    Run answering(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--namesrv", halfmoon.namesrv()));
        all.addAll(List.of(args));
        int code = AdminMain.run(all.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run admin(String... args) {
        return answering("", args);
    }
}
