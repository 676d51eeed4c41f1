package dev.halfmoon.namesrv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.NettyConfig;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.QueueData;
import dev.halfmoon.remoting.body.RegisterBrokerBody;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicConfigWrapper;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A name server on loopback, as brokers and RocketMQ's mqadmin talk to it. */
@Timeout(30)
class NameServerTest {
    static final TopicConfig ORDERS = new TopicConfig("Orders", 4, 4, 6, "SINGLE_TAG", 0, false);
    NameServer ns;
    RemotingClient client;

    @BeforeEach
    void start() {
        ns = new NameServer(new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), 120_000, 5_000), Clock.systemUTC());
        ns.start();
        client = new RemotingClient("test");
    }

    @AfterEach
    void stop() {
        client.close();
        ns.close();
    }

    RemotingCommand ask(int code, Map<String, String> header, byte[] body) {
        return client.invokeSync(ns.address(), RemotingCommand.request(code, header, body), 5000);
    }

    RemotingCommand register(String cluster, String broker, String addr, byte[] body) {
        return ask(RequestCode.REGISTER_BROKER, Map.of("clusterName", cluster, "brokerName", broker, "brokerAddr", addr,
                "brokerId", "0", "compressed", "false"), body);
    }

    static byte[] table(TopicConfig... topics) {
        return Json.encode(new RegisterBrokerBody(new TopicConfigWrapper(
                java.util.Arrays.stream(topics).collect(Collectors.toMap(TopicConfig::topicName, t -> t)), null), List.of()));
    }

    TopicRouteData route(String topic) {
        RemotingCommand r = ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", topic), null);
        assertEquals(ResponseCode.SUCCESS, r.code(), r.remark());
        return Json.decode(r.body(), TopicRouteData.class);
    }

    @Test
    void aRegistrationWithoutATopicTableIsRefusedAndTheBrokersRoutesStay() {
        assertEquals(ResponseCode.SUCCESS, register("c", "broker-a", "127.0.0.1:10911", table(ORDERS)).code());
        for (byte[] bad : new byte[][] {null, "{}".getBytes(StandardCharsets.UTF_8),
            "{\"topicConfigSerializeWrapper\":{\"topicConfigTable\":{\"Orders\":null}}}".getBytes(StandardCharsets.UTF_8)}) {
            RemotingCommand r = register("c", "broker-a", "127.0.0.1:10911", bad);
            assertEquals(ResponseCode.SYSTEM_ERROR, r.code(), r.remark());
            assertTrue(r.remark().contains("routes unchanged"), r.remark());
        }
        assertEquals(4, route("Orders").queueDatas().get(0).writeQueueNums(), "still routed");
    }

    /**
     * An Apache RocketMQ broker registers just the topic it created (registerIncrementBrokerData) between its periodic
     * registrations of the whole table, and says nothing of which one it sends: its other topics stay routed. A
     * Halfmoon broker says its table is whole, and a topic it no longer has leaves its routes.
     */
    @Test
    void anApacheBrokersRegistrationOfOneNewTopicKeepsItsOtherTopicsRouted() {
        TopicConfig payments = new TopicConfig("Payments", 2, 2, 6, "SINGLE_TAG", 0, false);
        assertEquals(ResponseCode.SUCCESS, register("c", "broker-a", "127.0.0.1:10911", table(ORDERS)).code());
        assertEquals(ResponseCode.SUCCESS, register("c", "broker-a", "127.0.0.1:10911", table(payments)).code());
        assertEquals(4, route("Orders").queueDatas().get(0).writeQueueNums(), "still routed");
        assertEquals(2, route("Payments").queueDatas().get(0).writeQueueNums());

        RemotingCommand whole = ask(RequestCode.REGISTER_BROKER, Map.of("clusterName", "c", "brokerName", "broker-a",
                "brokerAddr", "127.0.0.1:10911", "brokerId", "0", "compressed", "false",
                dev.halfmoon.remoting.HalfmoonHeaders.WHOLE_TOPIC_TABLE, "true"), table(payments));
        assertEquals(ResponseCode.SUCCESS, whole.code(), whole.remark());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Orders"),
                null).code(), "gone from the whole table: gone from the routes");
        assertEquals(2, route("Payments").queueDatas().get(0).writeQueueNums());
    }

    /** An Apache broker with enableSingleTopicRegister=true sends a topic it created as REGISTER_TOPIC_IN_NAMESRV. */
    @Test
    void aTopicRegisteredAloneIsRoutedToItsRegisteredBrokerGroupOnly() {
        register("c", "broker-a", "127.0.0.1:10911", table(ORDERS));
        byte[] body = Json.encode(new TopicRouteData(null, List.of(new QueueData("broker-a", 2, 2, 6, 0)), List.of(),
                Map.of()));
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.REGISTER_TOPIC_IN_NAMESRV, Map.of("topic", "Payments"), body)
                .code());
        TopicRouteData payments = route("Payments");
        assertEquals(List.of("broker-a"), payments.queueDatas().stream().map(QueueData::brokerName).toList());
        assertEquals("127.0.0.1:10911", payments.brokerDatas().get(0).brokerAddrs().get(0L));

        byte[] unknown = Json.encode(new TopicRouteData(null, List.of(new QueueData("broker-x", 2, 2, 6, 0)), List.of(),
                Map.of()));
        RemotingCommand refused = ask(RequestCode.REGISTER_TOPIC_IN_NAMESRV, Map.of("topic", "Refunds"), unknown);
        assertEquals(ResponseCode.SYSTEM_ERROR, refused.code());
        assertTrue(refused.remark().contains("broker-x is not registered"), refused.remark());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Refunds"),
                null).code());
    }

    /** As RocketMQ: the connection of a broker that stopped registering is closed, so a stalled one connects anew. */
    @Test
    void aSilentBrokersConnectionIsClosedWhenItExpires() throws Exception {
        ns.close();
        ns = new NameServer(new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), 300, 100), Clock.systemUTC());
        ns.start();
        String[] hostPort = ns.address().split(":");
        try (java.net.Socket broker = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            String header = "{\"code\":" + RequestCode.REGISTER_BROKER + ",\"language\":\"JAVA\",\"version\":0,"
                    + "\"opaque\":1,\"flag\":0,\"extFields\":{\"clusterName\":\"c\",\"brokerName\":\"broker-a\","
                    + "\"brokerAddr\":\"127.0.0.1:10911\",\"brokerId\":\"0\",\"compressed\":\"false\"}}";
            byte[] head = header.getBytes(StandardCharsets.UTF_8);
            byte[] body = table(ORDERS);
            java.io.DataOutputStream out = new java.io.DataOutputStream(broker.getOutputStream());
            out.writeInt(4 + head.length + body.length);
            out.writeInt(head.length);
            out.write(head);
            out.write(body);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(broker.getInputStream());
            in.readFully(new byte[in.readInt()]); // the answer
            assertEquals(4, route("Orders").queueDatas().get(0).writeQueueNums());

            broker.setSoTimeout(10_000);
            assertEquals(-1, in.read(), "closed by the name server once expired");
            assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Orders"),
                    null).code());
        }
    }

    @Test
    void deletingATopicInOneClusterLeavesItRoutedInTheOther() {
        register("A", "broker-a", "127.0.0.1:10911", table(ORDERS));
        register("B", "broker-b", "127.0.0.1:10912", table(ORDERS));
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.DELETE_TOPIC_IN_NAMESRV, Map.of("topic", "Orders",
                "clusterName", "A"), null).code());
        assertEquals(List.of("broker-b"), route("Orders").queueDatas().stream().map(QueueData::brokerName).toList());

        ask(RequestCode.DELETE_TOPIC_IN_NAMESRV, Map.of("topic", "Orders"), null); // no cluster: everywhere
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, ask(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "Orders"),
                null).code());
    }

    @Test
    void aBrokerWhoseWritePermissionWasWipedStaysReadOnlyUntilItIsGivenBack() {
        register("c", "broker-a", "127.0.0.1:10911", table(ORDERS));
        register("c", "broker-b", "127.0.0.1:10912", table(ORDERS));
        RemotingCommand wiped = ask(RequestCode.WIPE_WRITE_PERM_OF_BROKER, Map.of("brokerName", "broker-a"), null);
        assertEquals("1", wiped.ext("wipeTopicCount"));
        assertEquals(Map.of("broker-a", 4, "broker-b", 6), perms(route("Orders")));

        register("c", "broker-a", "127.0.0.1:10911", table(ORDERS)); // its periodic registration does not undo it
        assertEquals(Map.of("broker-a", 4, "broker-b", 6), perms(route("Orders")));

        RemotingCommand back = ask(RequestCode.ADD_WRITE_PERM_OF_BROKER, Map.of("brokerName", "broker-a"), null);
        assertEquals("1", back.ext("addTopicCount"));
        assertEquals(Map.of("broker-a", 6, "broker-b", 6), perms(route("Orders")));
        assertEquals("0", ask(RequestCode.WIPE_WRITE_PERM_OF_BROKER, Map.of("brokerName", "broker-x"), null)
                .ext("wipeTopicCount"), "no such broker: nothing wiped");
    }

    private static Map<String, Integer> perms(TopicRouteData route) {
        return route.queueDatas().stream().collect(Collectors.toMap(QueueData::brokerName, QueueData::perm));
    }

    /** mqadmin updateKvConfig / getKvConfig / deleteKvConfig: values survive a restart of the name server. */
    @Test
    void kvConfigIsKeptAcrossARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("namesrv").resolve("kvConfig.json");
        ns.close();
        ns = new NameServer(new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), 120_000, 5_000).withKvConfigPath(file),
                Clock.systemUTC());
        ns.start();
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.PUT_KV_CONFIG, Map.of("namespace", "ORDER_TOPIC_CONFIG",
                "key", "Orders", "value", "broker-a:4"), null).code());
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.PUT_KV_CONFIG, Map.of("namespace", "app", "key", "blank",
                "value", ""), null).code(), "an empty value is a value");
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.PUT_KV_CONFIG, Map.of("namespace", "app", "key", "gone",
                "value", "x"), null).code());
        assertEquals(ResponseCode.SUCCESS, ask(RequestCode.DELETE_KV_CONFIG, Map.of("namespace", "app", "key", "gone"),
                null).code());

        ns.close();
        ns = new NameServer(new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), 120_000, 5_000).withKvConfigPath(file),
                Clock.systemUTC());
        ns.start();
        assertEquals("broker-a:4", ask(RequestCode.GET_KV_CONFIG, Map.of("namespace", "ORDER_TOPIC_CONFIG", "key", "Orders"),
                null).ext("value"));
        assertEquals(ResponseCode.QUERY_NOT_FOUND, ask(RequestCode.GET_KV_CONFIG, Map.of("namespace", "app", "key", "gone"),
                null).code());
        RemotingCommand list = ask(RequestCode.GET_KVLIST_BY_NAMESPACE, Map.of("namespace", "app"), null);
        assertEquals(ResponseCode.SUCCESS, list.code());
        assertEquals(Map.of("table", Map.of("blank", "")), Json.decode(list.body(), Map.class));
    }

    @Test
    void aKvConfigFileThatCannotBeReadStopsTheStartInsteadOfBeingOverwritten(@org.junit.jupiter.api.io.TempDir
                                                                             java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("kvConfig.json");
        java.nio.file.Files.writeString(file, "{not json");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new NameServer(
                new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), 120_000, 5_000).withKvConfigPath(file), Clock.systemUTC()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals("{not json", java.nio.file.Files.readString(file));
    }
}
