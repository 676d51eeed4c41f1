package dev.halfmoon.broker.client;

import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.body.ConsumerData;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.ProducerData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients connected to this broker: producer groups (whom to ask about a transaction) and
 * consumer groups (members, subscriptions). A consumer group whose membership changes is told so
 * (NOTIFY_CONSUMER_IDS_CHANGED, oneway) so its members rebalance at once. Clients are forgotten when
 * their connection closes or after {@code channelExpiredTimeout} without a heartbeat. Thread-safe.
 */
public final class ClientRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

    private final Map<String, ConsumerGroup> consumers = new ConcurrentHashMap<>();
    private final Map<String, Map<RemotingChannel, ClientChannel>> producers = new ConcurrentHashMap<>();

    /**
     * Records a heartbeat.
     *
     * @return the consumer groups this client belongs to (the broker makes their retry topics)
     */
    public List<String> heartbeat(HeartbeatData data, RemotingChannel channel, String language, int version, long nowMs,
                                  String accessKey) {
        ClientChannel member = new ClientChannel(data.clientID(), channel, language, version, nowMs, accessKey);
        for (ProducerData p : data.producerDataSet()) {
            producers.compute(p.groupName(), (name, g) -> { // (under the map's lock: an empty group is pruned so)
                Map<RemotingChannel, ClientChannel> live = g == null ? new ConcurrentHashMap<>() : g;
                live.put(channel, member);
                return live;
            });
        }
        List<String> groups = new ArrayList<>();
        for (ConsumerData c : data.consumerDataSet()) {
            boolean[] changed = {false};
            ConsumerGroup group = consumers.compute(c.groupName(), (name, g) -> {
                ConsumerGroup live = g == null ? new ConsumerGroup(name) : g;
                changed[0] = live.heartbeat(c, member);
                return live;
            });
            if (changed[0]) {
                LOG.info("consumer {} joined group {} from {}", data.clientID(), c.groupName(), channel.remoteAddress());
                notifyMembers(group);
            }
            groups.add(c.groupName());
        }
        return groups;
    }

    /** A client left (UNREGISTER_CLIENT). */
    public void unregister(String clientId, String producerGroup, String consumerGroup, RemotingChannel channel) {
        if (producerGroup != null) {
            Map<RemotingChannel, ClientChannel> group = producers.get(producerGroup);
            if (group != null) {
                group.remove(channel);
            }
        }
        if (consumerGroup != null) {
            ConsumerGroup group = consumers.get(consumerGroup);
            if (group != null && group.remove(clientId)) {
                LOG.info("consumer {} left group {}", clientId, consumerGroup);
                notifyMembers(group);
            }
        }
    }

    /** A connection closed: every registration on it goes. */
    public void channelClosed(RemotingChannel channel) {
        producers.values().forEach(g -> g.remove(channel));
        // (its ordered-queue locks stay until it unlocks them or they expire: a client whose connection
        // dropped may still be consuming what it pulled, so the queue must not go to another member yet)
        for (ConsumerGroup group : consumers.values()) {
            if (group.removeChannel(channel)) {
                LOG.info("consumer connection {} of group {} closed", channel.remoteAddress(), group.name());
                notifyMembers(group);
            }
        }
    }

    /** Forgets clients silent since before {@code oldestMs}, and the groups left without members. */
    public void expire(long oldestMs) {
        producers.values().forEach(g -> g.values().removeIf(c -> c.lastHeartbeatMs() < oldestMs));
        for (ConsumerGroup group : consumers.values()) {
            if (group.expire(oldestMs)) {
                LOG.info("expired silent members of consumer group {}", group.name());
                notifyMembers(group);
            }
        }
        for (String name : producers.keySet()) {
            producers.computeIfPresent(name, (k, g) -> g.isEmpty() ? null : g);
        }
        for (String name : consumers.keySet()) {
            consumers.computeIfPresent(name, (k, g) -> g.isEmpty() ? null : g);
        }
    }

    /** Consumer groups kept: with members, or left and not yet forgotten. */
    public int consumerGroupsHeld() {
        return consumers.size();
    }

    private void notifyMembers(ConsumerGroup group) {
        RemotingCommand notice = RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
                Map.of("consumerGroup", group.name()), null);
        for (ClientChannel member : group.members()) {
            if (member.channel().isActive()) {
                member.channel().oneway(notice);
            }
        }
    }

    public Optional<ConsumerGroup> consumerGroup(String name) {
        ConsumerGroup g = consumers.get(name);
        return g == null || g.isEmpty() ? Optional.empty() : Optional.of(g);
    }

    public Set<String> consumerGroups() {
        Set<String> names = new TreeSet<>();
        consumers.forEach((k, v) -> {
            if (!v.isEmpty()) {
                names.add(k);
            }
        });
        return names;
    }

    /** The live connection of the producer with client id {@code clientId}, in whichever group (request/reply). */
    public Optional<ClientChannel> producer(String clientId) {
        for (Map<RemotingChannel, ClientChannel> group : producers.values()) {
            for (ClientChannel c : group.values()) {
                if (c.clientId().equals(clientId) && c.channel().isActive()) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** Every producer group with live connections, by name, and those connections (mqadmin producer). */
    public Map<String, List<ClientChannel>> producerGroups() {
        Map<String, List<ClientChannel>> groups = new TreeMap<>();
        for (String name : producers.keySet()) {
            List<ClientChannel> live = producers(name);
            if (!live.isEmpty()) {
                groups.put(name, live);
            }
        }
        return groups;
    }

    /** Live connections of a producer group, for check-backs. */
    public List<ClientChannel> producers(String group) {
        Map<RemotingChannel, ClientChannel> g = producers.get(group);
        if (g == null) {
            return List.of();
        }
        List<ClientChannel> live = new ArrayList<>();
        for (ClientChannel c : g.values()) {
            if (c.channel().isActive()) {
                live.add(c);
            }
        }
        return live;
    }
}
