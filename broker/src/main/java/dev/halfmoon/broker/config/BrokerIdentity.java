package dev.halfmoon.broker.config;

import java.net.InetSocketAddress;

/**
 * Who this broker is and where clients reach it. Immutable.
 *
 * @param clusterName    {@code brokerClusterName}
 * @param brokerName     {@code brokerName}
 * @param brokerId       {@code brokerId}, 0 for a master
 * @param advertisedHost {@code brokerIP1}: the address written into message ids and routes
 */
public record BrokerIdentity(String clusterName, String brokerName, long brokerId, String advertisedHost) {
    /** {@code host:port} clients connect to. */
    public String address(int port) {
        return advertisedHost + ":" + port;
    }

    /** The store host written into records. */
    public InetSocketAddress storeHost(int port) {
        return new InetSocketAddress(advertisedHost, port);
    }
}
