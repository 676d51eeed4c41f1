package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.body.TopicConfig;
import java.util.Map;

/**
 * One REGISTER_BROKER request, decoded. Immutable.
 *
 * @param clusterName  the broker's cluster
 * @param brokerName   its broker group
 * @param brokerId     0 for a master
 * @param brokerAddr   {@code ip:port} clients use
 * @param topics       its topic table
 */
public record BrokerRegistration(String clusterName, String brokerName, long brokerId, String brokerAddr,
                                 Map<String, TopicConfig> topics) {
    public BrokerRegistration {
        topics = Map.copyOf(topics);
    }
}
