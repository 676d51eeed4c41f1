package dev.halfmoon.remoting.body;

import java.util.Map;
import java.util.Set;

/** GET_BROKER_CLUSTER_INFO's body: broker groups by name, and broker names by cluster. */
public record ClusterInfo(Map<String, BrokerData> brokerAddrTable, Map<String, Set<String>> clusterAddrTable) {
}
