package dev.halfmoon.broker.client;

import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.SubscriptionData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One consumer group as the broker sees it: its live members and their subscriptions. Thread-safe:
 * member changes are serialised on this object, reads use concurrent maps.
 */
public final class ConsumerGroup {
    private final String name;
    private final Map<String, ClientChannel> members = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionData> subscriptions = new ConcurrentHashMap<>();
    private volatile String consumeType;
    private volatile String messageModel;
    private volatile String consumeFromWhere;

    ConsumerGroup(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Records a heartbeat; true if the member set changed (a new member, or a new connection for one). */
    synchronized boolean heartbeat(ConsumerData data, ClientChannel member) {
        consumeType = data.consumeType();
        messageModel = data.messageModel();
        consumeFromWhere = data.consumeFromWhere();
        java.util.Set<String> topics = new java.util.HashSet<>();
        for (SubscriptionData sub : data.subscriptionDataSet()) {
            topics.add(sub.topic());
            SubscriptionData old = subscriptions.get(sub.topic());
            if (old == null || sub.subVersion() >= old.subVersion()) {
                subscriptions.put(sub.topic(), sub);
            }
        }
        // a topic the member no longer subscribes to goes (as in RocketMQ: the group's latest heartbeat says)
        subscriptions.keySet().retainAll(topics);
        ClientChannel previous = members.put(member.clientId(), member);
        return previous == null || !Objects.equals(previous.channel(), member.channel());
    }

    /** Removes a member; true if it was there. */
    synchronized boolean remove(String clientId) {
        return members.remove(clientId) != null;
    }

    /** Removes the member on {@code channel}; true if there was one. */
    synchronized boolean removeChannel(RemotingChannel channel) {
        return members.values().removeIf(m -> m.channel().equals(channel));
    }

    /** Removes members silent since before {@code oldestMs}; true if any were. */
    synchronized boolean expire(long oldestMs) {
        return members.values().removeIf(m -> m.lastHeartbeatMs() < oldestMs);
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Client ids of the members, sorted as the clients sort them. */
    public List<String> clientIds() {
        List<String> ids = new ArrayList<>(members.keySet());
        ids.sort(null);
        return ids;
    }

    public List<ClientChannel> members() {
        return new ArrayList<>(members.values());
    }

    /** The group's subscription to {@code topic}, or null. */
    public SubscriptionData subscription(String topic) {
        return subscriptions.get(topic);
    }

    public Map<String, SubscriptionData> subscriptions() {
        return Map.copyOf(subscriptions);
    }

    public String consumeType() {
        return consumeType;
    }

    public String messageModel() {
        return messageModel;
    }

    public String consumeFromWhere() {
        return consumeFromWhere;
    }
}
