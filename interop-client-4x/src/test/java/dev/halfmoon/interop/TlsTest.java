package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.admin.AdminMain;
import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.Producer;
import dev.halfmoon.broker.Broker;
import dev.halfmoon.namesrv.NameServer;
import dev.halfmoon.namesrv.NamesrvConfig;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingException;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.TlsConfig;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.Closer;
import dev.halfmoon.testkit.HalfmoonFixture;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the broker and name server ports with the official client's TLS mode (setUseTLS), our
 * client and the admin tool: enforcing refuses plain clients, permissive serves both.
 */
@Timeout(120)
class TlsTest {
    static SelfSignedCertificate certificate;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = new SelfSignedCertificate("localhost");
    }

    @AfterAll
    static void dropCertificate() {
        certificate.delete();
    }

    private HalfmoonFixture start(String mode) {
        return new HalfmoonFixture(dir).set("tls.server.mode", mode)
                .set("tls.server.certPath", certificate.certificate().getPath())
                .set("tls.server.keyPath", certificate.privateKey().getPath()).start();
    }

    private static DefaultMQProducer officialProducer(String namesrv, boolean tls) throws Exception {
        DefaultMQProducer p = Clients.producer(namesrv, "PG-tls-" + tls);
        p.setUseTLS(tls);
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        return p;
    }

    @Test
    void enforcingServesTlsClientsAndRefusesPlainOnes() throws Exception {
        try (HalfmoonFixture halfmoon = start("enforcing")) {
            try (RemotingClient admin = new RemotingClient("tls-admin").withTls(null)) {
                assertEquals(ResponseCode.SUCCESS, admin.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                        RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Sealed", "readQueueNums", "2", "writeQueueNums", "2"),
                        null), 5000).code());
            }
            DefaultMQProducer tls = officialProducer(halfmoon.namesrv(), true);
            Set<String> received = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-tls");
            consumer.setUseTLS(true);
            consumer.subscribe("Sealed", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> received.add(new String(m.getBody(), StandardCharsets.UTF_8)));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try {
                        return tls.send(new Message("Sealed", "over tls".getBytes(StandardCharsets.UTF_8))).getSendStatus()
                                == SendStatus.SEND_OK;
                    } catch (Exception e) {
                        return false;
                    }
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("over tls"));
            } finally {
                consumer.shutdown();
                tls.shutdown();
            }

            DefaultMQProducer plain = officialProducer(halfmoon.namesrv(), false);
            try {
                assertThrows(Exception.class, () -> plain.send(new Message("Sealed", "plain".getBytes(StandardCharsets.UTF_8))));
            } finally {
                plain.shutdown();
            }
            try (RemotingClient raw = new RemotingClient("plain", 1 << 20, 2000)) {
                assertThrows(RemotingException.class, () -> raw.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                        RequestCode.GET_BROKER_RUNTIME_INFO, Map.of(), null), 3000), "a plain connection is closed");
            }

            Path trusted = Files.copy(certificate.certificate().toPath(), dir.resolve("ca.pem"));
            try (Producer ours = Producer.start(ClientOptions.of(halfmoon.namesrv()).withTls(trusted), "PG-ours")) {
                assertEquals("Sealed", ours.send(dev.halfmoon.client.Message.builder("Sealed").body(new byte[] {1}).build()).topic());
            }
            assertEquals(0, admin(halfmoon, "--tls", "--tls-trust-cert", trusted.toString(), "topic", "list"));
            assertEquals(3, admin(halfmoon, "--timeout", "2s", "topic", "list"), "plain admin cannot reach it");
        }
    }

    private static int admin(HalfmoonFixture halfmoon, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--namesrv";
        all[1] = halfmoon.namesrv();
        System.arraycopy(args, 0, all, 2, args.length);
        return AdminMain.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of());
    }

    @Test
    void permissiveServesBoth() throws Exception {
        try (HalfmoonFixture halfmoon = start("permissive")) {
            Admin.createTopic(halfmoon, "Mixed", 1);
            for (boolean tls : new boolean[] {true, false}) {
                DefaultMQProducer p = officialProducer(halfmoon.namesrv(), tls);
                try {
                    assertEquals(SendStatus.SEND_OK, p.send(new Message("Mixed", ("tls=" + tls).getBytes(StandardCharsets.UTF_8)))
                            .getSendStatus());
                } finally {
                    p.shutdown();
                }
            }
        }
    }

    /**
     * A separate name server that enforces TLS and asks for client certificates (set as RocketMQ's
     * system properties would be), and a broker that serves plain but registers over TLS (tls.enable).
     */
    @Test
    void aBrokerRegistersOverTlsWithAnEnforcingNameServer() throws Exception {
        Path trusted = Files.copy(certificate.certificate().toPath(), dir.resolve("ca.pem"));
        Map<String, String> properties = Map.of("tls.server.mode", "enforcing",
                "tls.server.certPath", certificate.certificate().getPath(), "tls.server.keyPath", certificate.privateKey().getPath(),
                "tls.server.trustCertPath", trusted.toString(), "tls.server.need.client.auth", "optional");
        TlsConfig tls = TlsConfig.parse(properties::get);
        assertEquals(trusted, tls.trustCertPath(), "the name server reads the trusted CAs too");
        assertEquals(io.netty.handler.ssl.ClientAuth.OPTIONAL, tls.clientAuth());
        try (NameServer namesrv = new NameServer(NamesrvConfig.defaults("127.0.0.1", 0), Clock.systemUTC()).tls(tls);
             Closer closer = new Closer()) {
            namesrv.start();
            HalfmoonFixture plainSide = new HalfmoonFixture(dir.resolve("broker")).set("namesrvAddr", namesrv.address())
                    .set("brokerName", "broker-over-tls").set("tls.enable", "true").set("tls.client.trustCertPath", trusted.toString());
            Broker broker = closer.track(plainSide.startBroker());
            RemotingClient client = closer.track(new RemotingClient("tls-check").withTls(trusted));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                RemotingCommand info = client.invokeSync(namesrv.address(), RemotingCommand.request(
                        RequestCode.GET_BROKER_CLUSTER_INFO, Map.of(), null), 3000);
                return info.body() != null && new String(info.body(), StandardCharsets.UTF_8).contains("broker-over-tls");
            });
            assertTrue(broker.port() > 0);
        }
    }

    /**
     * Client certificates required on the standalone's ports: the broker registers with its own name server by
     * presenting tls.client.certPath, and our client and the admin tool connect with theirs; without one they are
     * refused. (The self-signed test certificate is its own CA and carries no key usage, so it serves as both.)
     */
    @Test
    void requiredClientCertificatesAreMetByTheBrokerTheClientAndTheAdminTool() throws Exception {
        Path trusted = Files.copy(certificate.certificate().toPath(), dir.resolve("ca.pem"));
        String cert = certificate.certificate().getPath();
        String key = certificate.privateKey().getPath();
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir.resolve("data")).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", cert).set("tls.server.keyPath", key)
                .set("tls.server.trustCertPath", trusted.toString()).set("tls.server.need.client.auth", "require")
                .set("tls.client.certPath", cert).set("tls.client.keyPath", key).start()) {
            ClientOptions options = ClientOptions.of(halfmoon.namesrv()).withTls(trusted)
                    .withTlsCertificate(Path.of(cert), Path.of(key));
            await().atMost(Duration.ofSeconds(20)).until(() -> admin(halfmoon, "--tls", "--tls-trust-cert", trusted.toString(),
                    "--tls-client-cert", cert, "--tls-client-key", key, "topic", "create", "Certified") == 0);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                try (Producer ours = Producer.start(options, "PG-certified")) {
                    return ours.send(dev.halfmoon.client.Message.builder("Certified").body(new byte[] {1}).build())
                            .topic().equals("Certified");
                }
            });
            assertEquals(3, admin(halfmoon, "--timeout", "2s", "--tls", "--tls-trust-cert", trusted.toString(),
                    "topic", "list"), "no client certificate: refused");
        }
    }

    @Test
    void requiringClientCertificatesWithoutSayingWhoSignsThemStopsStartUp() {
        Exception noCa = assertThrows(Exception.class, () -> new HalfmoonFixture(dir).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", certificate.certificate().getPath())
                .set("tls.server.keyPath", certificate.privateKey().getPath())
                .set("tls.server.need.client.auth", "require").start());
        assertTrue(String.valueOf(noCa.getMessage()).contains("tls.server.trustCertPath"), noCa.toString());
        Exception noOwn = assertThrows(Exception.class, () -> new HalfmoonFixture(dir).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", certificate.certificate().getPath())
                .set("tls.server.keyPath", certificate.privateKey().getPath())
                .set("tls.server.trustCertPath", certificate.certificate().getPath())
                .set("tls.server.need.client.auth", "require").start());
        assertTrue(String.valueOf(noOwn.getMessage()).contains("tls.client.certPath"), noOwn.toString());
    }

    /**
     * With httpTls the console (and its Basic credentials) is served over HTTPS only, and asks no client certificate
     * even where the broker port requires one (the socket below presents none).
     */
    @Test
    void theConsoleIsServedOverHttpsWhenTlsIsEnforced() throws Exception {
        // (tests bind loopback only, where httpTls=auto keeps plain HTTP: true asks for HTTPS there too)
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", certificate.certificate().getPath())
                .set("tls.server.keyPath", certificate.privateKey().getPath()).set("httpEnable", "true")
                .set("httpTls", "true").set("tls.server.need.client.auth", "require")
                .set("tls.server.trustCertPath", certificate.certificate().getPath())
                .set("tls.client.certPath", certificate.certificate().getPath())
                .set("tls.client.keyPath", certificate.privateKey().getPath()).start()) {
            java.net.URI console = java.net.URI.create(halfmoon.running.broker().httpAddress().orElseThrow());
            assertEquals("https", console.getScheme());
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (java.net.Socket tls = trustAll.getSocketFactory().createSocket(console.getHost(), console.getPort())) {
                assertTrue(httpGet(tls, "/health").startsWith("HTTP/1.1 200"));
            }
            try (java.net.Socket plain = new java.net.Socket(console.getHost(), console.getPort())) {
                plain.setSoTimeout(10_000);
                assertTrue(!httpGet(plain, "/health").startsWith("HTTP/1.1 200"), "plain HTTP is not served");
            }
        }
    }

    @Test
    void onLoopbackTheConsoleStaysPlainHttpWhateverTheBrokerPortDoes() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", certificate.certificate().getPath())
                .set("tls.server.keyPath", certificate.privateKey().getPath()).set("httpEnable", "true").start()) {
            java.net.URI console = java.net.URI.create(halfmoon.running.broker().httpAddress().orElseThrow());
            assertEquals("http", console.getScheme());
            try (java.net.Socket plain = new java.net.Socket(console.getHost(), console.getPort())) {
                assertTrue(httpGet(plain, "/health").startsWith("HTTP/1.1 200"), "Prometheus and health checks go on");
            }
        }
    }

    private static String httpGet(java.net.Socket socket, String path) throws java.io.IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketException closed) {
            return "";
        }
    }

    @Test
    void badTlsSettingsNameTheirKey() {
        Exception auth = assertThrows(Exception.class, () -> new HalfmoonFixture(dir).set("tls.server.need.client.auth", "maybe")
                .start());
        assertTrue(String.valueOf(auth.getMessage()).contains("tls.server.need.client.auth"), auth.toString());
        Exception enable = assertThrows(Exception.class, () -> new HalfmoonFixture(dir).set("tls.enable", "yes").start());
        assertTrue(String.valueOf(enable.getMessage()).contains("tls.enable"), enable.toString());
    }

    @Test
    void aMissingCertificateStopsStartUpWithItsName() {
        Exception e = assertThrows(Exception.class, () -> new HalfmoonFixture(dir).set("tls.server.mode", "enforcing")
                .set("tls.server.certPath", dir.resolve("nope.pem").toString()).set("tls.server.keyPath", "nokey.pem").start());
        assertTrue(String.valueOf(e.getMessage()).contains("nope.pem"), e.toString());
    }
}
