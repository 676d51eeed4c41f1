package dev.halfmoon.remoting.body;

import java.util.Map;

/** RocketMQ's {@code TopicConfigSerializeWrapper}: a broker's topics and their data version. */
public record TopicConfigWrapper(Map<String, TopicConfig> topicConfigTable, DataVersion dataVersion) {
}
