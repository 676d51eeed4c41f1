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
 * @param topics       its topic table, or (not {@code wholeTable}) the topics that changed
 * @param wholeTable   {@code topics} is the broker's whole table, so a topic missing from it is gone from the broker.
 *                     Halfmoon's brokers say so (header {@code wholeTopicTable=true}, {@link dev.halfmoon.remoting.HalfmoonHeaders}); Apache RocketMQ's do not, and
 *                     send just the topics they created between their periodic registrations, which are merged
 */
public record BrokerRegistration(String clusterName, String brokerName, long brokerId, String brokerAddr,
                                 Map<String, TopicConfig> topics, boolean wholeTable) {
    public BrokerRegistration {
        topics = Map.copyOf(topics);
    }
}
