package dev.halfmoon.namesrv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.body.TopicConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routes as brokers come, move and go. */
@Timeout(10)
class RouteRegistryTest {
    static final Map<String, TopicConfig> ORDERS = Map.of("Orders", new TopicConfig("Orders", 4, 4, 6, "SINGLE_TAG", 0, false));

    @Test
    void aMasterThatRestartedAtANewAddressKeepsItsRoutesWhenTheOldAddressExpires() {
        RouteRegistry routes = new RouteRegistry();
        Object oldConnection = new Object();
        routes.register(new BrokerRegistration("c", "broker-a", 0, "10.0.0.1:10911", ORDERS, true), oldConnection, 0);
        // the host died without closing its connection; broker-a starts elsewhere and registers
        routes.register(new BrokerRegistration("c", "broker-a", 0, "10.0.0.2:10911", ORDERS, true), new Object(), 60_000);

        routes.expire(130_000, 120_000);
        routes.connectionClosed(oldConnection);
        routes.unregister("10.0.0.1:10911", "expired");

        assertTrue(routes.route("Orders").isPresent(), "still routed");
        assertEquals(Map.of(0L, "10.0.0.2:10911"), routes.route("Orders").orElseThrow().brokerDatas().get(0).brokerAddrs());
    }

    /** As in RocketMQ: while a slave is left, consumers can still read the group's topics from it. */
    @Test
    void aGroupsTopicsStayRoutedUntilItsLastBrokerLeaves() {
        RouteRegistry routes = new RouteRegistry();
        routes.register(new BrokerRegistration("c", "broker-a", 0, "10.0.0.1:10911", ORDERS, true), new Object(), 0);
        routes.register(new BrokerRegistration("c", "broker-a", 1, "10.0.0.3:10911", ORDERS, true), new Object(), 0);
        routes.unregister("10.0.0.1:10911", "it unregistered");
        assertEquals(Map.of(1L, "10.0.0.3:10911"), routes.route("Orders").orElseThrow().brokerDatas().get(0).brokerAddrs(),
                "routed to the slave, with no master for producers");
        routes.unregister("10.0.0.3:10911", "it unregistered");
        assertTrue(routes.route("Orders").isEmpty());
    }

    @Test
    void aBrokerRenamedAtTheSameAddressLeavesNoStaleEntries() {
        RouteRegistry routes = new RouteRegistry();
        Object connection = new Object();
        routes.register(new BrokerRegistration("c", "broker-a", 0, "10.0.0.1:10911", ORDERS, true), connection, 0);
        routes.register(new BrokerRegistration("c2", "broker-b", 0, "10.0.0.1:10911", ORDERS, true), connection, 1_000);

        assertEquals(1, routes.route("Orders").orElseThrow().brokerDatas().size(), "one broker group, not two");
        assertEquals("broker-b", routes.route("Orders").orElseThrow().brokerDatas().get(0).brokerName());
        assertEquals(java.util.Set.of("c2"), routes.clusterInfo().clusterAddrTable().keySet());
    }
    /** A group that moved to another host and cluster before its old connection closed belongs to the new one only. */
    @Test
    void aGroupThatMovedToAnotherClusterIsListedInThatOneOnly() {
        RouteRegistry routes = new RouteRegistry();
        routes.register(new BrokerRegistration("c1", "broker-a", 0, "10.0.0.1:10911", ORDERS, true), new Object(), 0);
        routes.register(new BrokerRegistration("c2", "broker-a", 0, "10.0.0.2:10911", ORDERS, true), new Object(), 1_000);
        assertEquals(java.util.Set.of("c2"), routes.clusterInfo().clusterAddrTable().keySet());
        assertTrue(routes.topicsOfCluster("c1").isEmpty(), "its topics are not the old cluster's");

        routes.unregister("10.0.0.2:10911", "it unregistered");
        assertTrue(routes.clusterInfo().clusterAddrTable().isEmpty(), "no cluster left listed");
    }
    /** A late UNREGISTER_BROKER for an address another broker group holds now leaves that group alone. */
    @Test
    void anUnregistrationNamingAnotherBrokerLeavesTheOneAtTheAddressAlone() {
        RouteRegistry routes = new RouteRegistry();
        Object connection = new Object();
        routes.register(new BrokerRegistration("c", "broker-b", 0, "10.0.0.1:10911", ORDERS, true), connection, 0);
        routes.unregister("10.0.0.1:10911", "broker-a", 0, "it unregistered"); // broker-a's, held up since it left
        assertTrue(routes.route("Orders").isPresent());
        routes.unregister("10.0.0.1:10911", "broker-b", 0, "it unregistered");
        assertTrue(routes.route("Orders").isEmpty());
    }

    /** Registrations from anyone who can reach the name server cannot make it hold brokers without bound. */
    @Test
    void newBrokerAddressesPastTheMostItKeepsAreRefusedAndKnownOnesStillRegister() {
        RouteRegistry routes = new RouteRegistry();
        for (int i = 0; i < RouteRegistry.MAX_BROKERS; i++) {
            routes.register(new BrokerRegistration("c", "b-" + i, 0, "10.1." + (i / 256) + "." + (i % 256) + ":10911",
                    ORDERS, true), new Object(), 0);
        }
        IllegalStateException full = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> routes.register(new BrokerRegistration("c", "b-new", 0, "10.2.0.1:10911", ORDERS, true), new Object(), 0));
        assertTrue(full.getMessage().contains("the most it keeps"), full.getMessage());
        assertTrue(routes.route("Orders").orElseThrow().brokerDatas().stream().noneMatch(b -> b.brokerName().equals("b-new")));
        routes.register(new BrokerRegistration("c", "b-0", 0, "10.1.0.0:10911", ORDERS, true), new Object(), 1); // known
        routes.unregister("10.1.0.1:10911", "it left");
        routes.register(new BrokerRegistration("c", "b-new", 0, "10.2.0.1:10911", ORDERS, true), new Object(), 2);
        assertTrue(routes.route("Orders").orElseThrow().brokerDatas().stream().anyMatch(b -> b.brokerName().equals("b-new")));
    }
}
