package dev.halfmoon.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.testkit.Admin;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class FailoverTest extends ClientTestBase {
    @Test
    void aBrokerRestartWhileProducersAndConsumersRunLosesNothing() {
        topic("Durable", 2);
        Map<String, Integer> seen = consume("CG-durable", "Durable", "*");
        Producer producer = track(Producer.start(options.withSendRetries(5), "PG"));
        Set<String> acked = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            producer.send(message("Durable", "before-" + i));
            acked.add("before-" + i);
        }
        halfmoon.restart();
        for (int i = 0; i < 20; i++) {
            String b = "after-" + i;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> producer.send(message("Durable", b)) != null);
            acked.add(b);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.keySet().containsAll(acked));
    }

    @Test
    void sendsMoveToTheOtherBrokerWhenOneStops() {
        Broker second = halfmoon.startExtraBroker("broker-b", dir.resolve("b"));
        try {
            Admin.createTopic(halfmoon.brokerAddress(), halfmoon.namesrv(), "Spread", 2);
            Admin.createTopic(second.address(), halfmoon.namesrv(), "Spread", 2);
            Producer producer = track(Producer.start(options.withSendRetries(4), "PG"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                producer.core.fetchRoute("Spread");
                return producer.core.route("Spread").masters().size() == 2;
            });
            Set<String> brokers = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                brokers.add(producer.send(message("Spread", "m-" + i)).brokerName());
            }
            assertEquals(Set.of("broker-a", "broker-b"), brokers);
            second.close();
            for (int i = 0; i < 10; i++) {
                assertEquals("broker-a", producer.send(message("Spread", "after-" + i)).brokerName());
            }
        } finally {
            second.close();
        }
    }

    /** A name server that accepts connections and never answers costs one request's timeout, not one in every few. */
    @Test
    void aSilentNameServerIsAskedOnceNotInTurn() throws Exception {
        topic("Sticky", 1);
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ClientOptions twoServers = ClientOptions.of("127.0.0.1:" + silent.getLocalPort() + ";" + halfmoon.namesrv())
                    .withRequestTimeout(Duration.ofMillis(500));
            Producer producer = track(Producer.start(twoServers, "PG-sticky"));
            producer.core.fetchRoute("Sticky"); // the silent one first: one timeout, then the live one answers
            for (int i = 0; i < 4; i++) {
                long started = System.nanoTime();
                producer.core.fetchRoute("Sticky");
                long ms = (System.nanoTime() - started) / 1_000_000;
                org.junit.jupiter.api.Assertions.assertTrue(ms < 400, "route " + i + " took " + ms + " ms");
            }
        }
    }

    /**
     * A name server that just restarted knows no topics until the brokers register again (up to 30 s): asked first, its
     * TOPIC_NOT_EXIST does not fail sends while another name server routes the topic.
     */
    @Test
    void aNameServerThatKnowsNoBrokersYetDoesNotFailSends() {
        topic("Known", 2);
        dev.halfmoon.namesrv.NameServer empty = new dev.halfmoon.namesrv.NameServer(new dev.halfmoon.namesrv.NamesrvConfig(
                dev.halfmoon.remoting.NettyConfig.defaults("127.0.0.1", 0), 120_000, 5_000), java.time.Clock.systemUTC());
        empty.start();
        try {
            Producer producer = track(Producer.start(ClientOptions.of(empty.address() + ";" + halfmoon.namesrv()), "PG-empty"));
            producer.core.preferredNameServer.set(0); // the empty one is asked first
            assertEquals("Known", producer.send(message("Known", "a")).topic());
            assertEquals(2, producer.core.fetchRoute("Known").writable().size());
        } finally {
            empty.close();
        }
    }
}
