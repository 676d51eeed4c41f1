package dev.halfmoon.remoting.body;

import java.util.Set;

/** A set of topic names (GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER). */
public record TopicList(Set<String> topicList, String brokerAddr) {
}
