package dev.halfmoon.remoting.body;

import java.util.Map;
import java.util.Set;

/** GET_CONSUMER_CONNECTION_LIST's body: a consumer group's live connections and subscriptions. */
public record ConsumerConnectionBody(Set<Connection> connectionSet, Map<String, SubscriptionData> subscriptionTable,
                                     String consumeType, String messageModel, String consumeFromWhere) {
    /** One client connection. */
    public record Connection(String clientId, String clientAddr, String language, int version) {
    }
}
