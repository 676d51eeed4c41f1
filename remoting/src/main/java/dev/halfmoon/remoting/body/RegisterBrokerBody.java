package dev.halfmoon.remoting.body;

import java.util.List;

/** REGISTER_BROKER's body (uncompressed form): the broker's topics. */
public record RegisterBrokerBody(TopicConfigWrapper topicConfigSerializeWrapper, List<String> filterServerList) {
}
