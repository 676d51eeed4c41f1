package dev.halfmoon.remoting.body;

import java.util.Map;
import java.util.TreeMap;

/**
 * A broker group in a route: its cluster, name, and addresses by broker id (0 is the master).
 * JSON keys of {@code brokerAddrs} are the ids as strings, which both official clients accept.
 */
public record BrokerData(String cluster, String brokerName, Map<Long, String> brokerAddrs) {
    public BrokerData {
        brokerAddrs = brokerAddrs == null ? new TreeMap<>() : new TreeMap<>(brokerAddrs);
    }

    /** The master's address, or null. */
    public String masterAddress() {
        return brokerAddrs.get(0L);
    }
}
