package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.body.BrokerData;
import dev.halfmoon.remoting.body.ClusterInfo;
import dev.halfmoon.remoting.body.QueueData;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the name server knows: live brokers, the clusters they belong to, and which brokers serve
 * which topics with how many queues. Brokers register with their topic table every 30 s; one
 * that stops is dropped after the timeout, or at once when its connection closes.
 *
 * <p>Thread-safe: one read-write lock guards all tables; route reads share it.
 */
public final class RouteRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RouteRegistry.class);

    /** A registered broker address and when it last registered. */
    private record Live(String clusterName, String brokerName, long brokerId, long lastRegisteredMs, Object connection) {
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, QueueData>> topicQueues = new HashMap<>();
    private final Map<String, BrokerData> brokers = new HashMap<>();
    private final Map<String, Set<String>> clusters = new HashMap<>();
    private final Map<String, Live> live = new HashMap<>();
    /** Broker groups whose write permission an operator took away (mqadmin wipeWritePerm), until given back. */
    private final Set<String> writeWiped = new TreeSet<>();
    /** Connections brokers registered over (clients' connections are far more numerous and never are). */
    private final Set<Object> brokerConnections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int PERM_WRITE = 2;
    /**
     * Broker addresses registered at once, at most: far beyond any cluster, but a bound on what registrations from
     * anyone who can reach the name server (it has no ACL, as RocketMQ's has none) can make it hold.
     */
    static final int MAX_BROKERS = 4096;

    /**
     * Records a registration (first or periodic). Only a master's (id 0) topic table changes routes: a whole table
     * replaces the group's topics, a partial one (an Apache broker's) adds to them and changes those it names.
     *
     * @param connection identifies the broker's connection, so that closing it drops the broker
     * @throws IllegalStateException if it is a new address and {@value #MAX_BROKERS} are registered already
     */
    public void register(BrokerRegistration r, Object connection, long nowMs) {
        lock.writeLock().lock();
        try {
            Live before = live.get(r.brokerAddr());
            if (before == null && live.size() >= MAX_BROKERS) {
                throw new IllegalStateException("this name server holds " + live.size() + " broker addresses, the most "
                        + "it keeps; " + r.brokerAddr() + " (" + r.brokerName() + ") is not registered");
            }
            brokerConnections.add(connection);
            if (before != null && (!before.brokerName().equals(r.brokerName()) || !before.clusterName().equals(r.clusterName())
                    || before.brokerId() != r.brokerId())) { // renamed at the same address: its old identity goes
                unregister(r.brokerAddr(), "it registered again as " + r.brokerName() + " id " + r.brokerId() + " of cluster "
                        + r.clusterName());
            }
            BrokerData existing = brokers.get(r.brokerName());
            if (existing != null && !existing.cluster().equals(r.clusterName())) { // the group moved to another cluster
                leaveCluster(existing.cluster(), r.brokerName());
            }
            clusters.computeIfAbsent(r.clusterName(), c -> new TreeSet<>()).add(r.brokerName());
            Map<Long, String> addrs = existing == null ? new TreeMap<>() : new TreeMap<>(existing.brokerAddrs());
            addrs.values().removeIf(a -> a.equals(r.brokerAddr()));
            String replaced = addrs.put(r.brokerId(), r.brokerAddr());
            if (replaced != null) { // the id moved to a new address (a restart elsewhere): the old one is no broker now
                live.remove(replaced);
                LOG.info("broker {} id {} moved from {} to {}", r.brokerName(), r.brokerId(), replaced, r.brokerAddr());
            }
            brokers.put(r.brokerName(), new BrokerData(r.clusterName(), r.brokerName(), addrs));
            Live previous = live.put(r.brokerAddr(), new Live(r.clusterName(), r.brokerName(), r.brokerId(), nowMs, connection));
            if (previous == null) {
                LOG.info("broker {} ({} id {}) of cluster {} registered with {} topics", r.brokerAddr(), r.brokerName(),
                        r.brokerId(), r.clusterName(), r.topics().size());
            }
            if (r.brokerId() == 0) {
                if (r.wholeTable()) {
                    dropTopicsMissingFrom(r.brokerName(), r.topics());
                }
                putTopics(r.brokerName(), r.topics());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void dropTopicsMissingFrom(String brokerName, Map<String, TopicConfig> topics) {
        for (Iterator<Map.Entry<String, Map<String, QueueData>>> it = topicQueues.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Map<String, QueueData>> e = it.next();
            if (!topics.containsKey(e.getKey())) {
                e.getValue().remove(brokerName);
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private void putTopics(String brokerName, Map<String, TopicConfig> topics) {
        for (TopicConfig t : topics.values()) {
            topicQueues.computeIfAbsent(t.topicName(), k -> new TreeMap<>()).put(brokerName,
                    new QueueData(brokerName, t.readQueueNums(), t.writeQueueNums(), t.perm(), t.topicSysFlag()));
        }
    }

    /**
     * REGISTER_TOPIC_IN_NAMESRV: routes {@code topic} to the broker groups of {@code queues}, each of which must be
     * registered; none is changed otherwise.
     *
     * @throws IllegalArgumentException naming the first group that is not registered
     */
    public void registerTopic(String topic, List<QueueData> queues) {
        lock.writeLock().lock();
        try {
            for (QueueData q : queues) {
                if (q == null || q.brokerName() == null || !brokers.containsKey(q.brokerName())) {
                    throw new IllegalArgumentException("broker group " + (q == null ? null : q.brokerName())
                            + " is not registered with this name server");
                }
            }
            for (QueueData q : queues) {
                topicQueues.computeIfAbsent(topic, k -> new TreeMap<>()).put(q.brokerName(), q);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes one broker address (a closed connection, or expiry). */
    public void unregister(String brokerAddr, String why) {
        unregisterIf(brokerAddr, l -> true, why);
    }

    /**
     * UNREGISTER_BROKER: removes {@code brokerAddr} if the broker there is the one named ({@code brokerName} null and
     * {@code brokerId} negative name any): a late one for an address another broker holds now leaves that one alone.
     */
    public void unregister(String brokerAddr, String brokerName, long brokerId, String why) {
        unregisterIf(brokerAddr, l -> (brokerName == null || l.brokerName().equals(brokerName))
                && (brokerId < 0 || l.brokerId() == brokerId), why);
    }

    /**
     * Removes {@code brokerAddr} if its entry, looked at under the write lock, still passes {@code still}: an address
     * found expired or on a closed connection may have registered again since.
     */
    private Live unregisterIf(String brokerAddr, java.util.function.Predicate<Live> still, String why) {
        lock.writeLock().lock();
        try {
            Live gone = live.get(brokerAddr);
            if (gone == null || !still.test(gone)) {
                return null;
            }
            live.remove(brokerAddr);
            LOG.info("broker {} ({}) removed: {}", brokerAddr, gone.brokerName(), why);
            BrokerData data = brokers.get(gone.brokerName());
            if (data == null) {
                return gone;
            }
            Map<Long, String> addrs = new TreeMap<>(data.brokerAddrs());
            addrs.values().removeIf(a -> a.equals(brokerAddr));
            if (!addrs.isEmpty()) { // its topics stay routed, as in RocketMQ: consumers read from the slaves, producers
                brokers.put(gone.brokerName(), new BrokerData(data.cluster(), data.brokerName(), addrs)); // skip it
                return gone;
            }
            brokers.remove(gone.brokerName());
            removeTopicsOf(gone.brokerName());
            writeWiped.remove(gone.brokerName()); // (as in RocketMQ: a group that comes back registers its own perms)
            for (String cluster : List.copyOf(clusters.keySet())) { // every cluster, as RocketMQ: it may have moved
                leaveCluster(cluster, gone.brokerName());
            }
            return gone;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void leaveCluster(String cluster, String brokerName) {
        Set<String> names = clusters.get(cluster);
        if (names != null && names.remove(brokerName) && names.isEmpty()) {
            clusters.remove(cluster);
        }
    }

    private void removeTopicsOf(String brokerName) {
        topicQueues.values().forEach(m -> m.remove(brokerName));
        topicQueues.values().removeIf(Map::isEmpty);
    }

    /** Whether a broker ever registered over {@code connection} (lock-free: for the network thread). */
    public boolean servesBrokers(Object connection) {
        return brokerConnections.contains(connection);
    }

    /** Drops every broker registered over {@code connection}. */
    public void connectionClosed(Object connection) {
        brokerConnections.remove(connection);
        List<String> addrs = new ArrayList<>();
        lock.readLock().lock();
        try {
            live.forEach((addr, l) -> {
                if (l.connection() == connection) {
                    addrs.add(addr);
                }
            });
        } finally {
            lock.readLock().unlock();
        }
        addrs.forEach(a -> unregisterIf(a, l -> l.connection() == connection, "its connection closed"));
    }

    /**
     * Drops brokers that have not registered for {@code timeoutMs}. Returns the connections they registered over that
     * no live broker uses, for the caller to close (as RocketMQ does: a broker that is alive but stalled connects anew).
     */
    public List<Object> expire(long nowMs, long timeoutMs) {
        List<String> expired = new ArrayList<>();
        lock.readLock().lock();
        try {
            live.forEach((addr, l) -> {
                if (nowMs - l.lastRegisteredMs() > timeoutMs) {
                    expired.add(addr);
                }
            });
        } finally {
            lock.readLock().unlock();
        }
        List<Object> connections = new ArrayList<>();
        for (String addr : expired) {
            Live gone = unregisterIf(addr, l -> nowMs - l.lastRegisteredMs() > timeoutMs,
                    "no registration for over " + timeoutMs + " ms");
            if (gone != null && connections.stream().noneMatch(c -> c == gone.connection())) {
                connections.add(gone.connection());
            }
        }
        lock.readLock().lock();
        try {
            connections.removeIf(c -> live.values().stream().anyMatch(l -> l.connection() == c));
        } finally {
            lock.readLock().unlock();
        }
        return connections;
    }

    /** The route of {@code topic}, or empty if no live broker serves it. */
    public Optional<TopicRouteData> route(String topic) {
        lock.readLock().lock();
        try {
            Map<String, QueueData> queues = topicQueues.get(topic);
            if (queues == null || queues.isEmpty()) {
                return Optional.empty();
            }
            List<BrokerData> brokerDatas = new ArrayList<>();
            for (String name : queues.keySet()) {
                BrokerData b = brokers.get(name);
                if (b != null) {
                    brokerDatas.add(b);
                }
            }
            brokerDatas.sort(Comparator.comparing(BrokerData::brokerName));
            List<QueueData> queueDatas = new ArrayList<>();
            for (QueueData q : queues.values()) {
                queueDatas.add(writeWiped.contains(q.brokerName()) ? new QueueData(q.brokerName(), q.readQueueNums(),
                        q.writeQueueNums(), q.perm() & ~PERM_WRITE, q.topicSysFlag()) : q);
            }
            return Optional.of(new TopicRouteData(null, queueDatas, brokerDatas, Map.of()));
        } finally {
            lock.readLock().unlock();
        }
    }

    public ClusterInfo clusterInfo() {
        lock.readLock().lock();
        try {
            Map<String, Set<String>> copy = new TreeMap<>();
            clusters.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
            return new ClusterInfo(new TreeMap<>(brokers), copy);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every topic some live broker serves. */
    public Set<String> topics() {
        lock.readLock().lock();
        try {
            return new TreeSet<>(topicQueues.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Topics served by brokers of {@code cluster}. */
    public Set<String> topicsOfCluster(String cluster) {
        lock.readLock().lock();
        try {
            Set<String> names = clusters.getOrDefault(cluster, Set.of());
            Set<String> result = new TreeSet<>();
            topicQueues.forEach((topic, queues) -> {
                if (queues.keySet().stream().anyMatch(names::contains)) {
                    result.add(topic);
                }
            });
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Forgets a topic on the brokers of {@code cluster}, or everywhere if it is null or empty (DELETE_TOPIC_IN_NAMESRV;
     * mqadmin deleteTopic -c names the cluster); its brokers' next registration may bring it back.
     */
    public void deleteTopic(String topic, String cluster) {
        lock.writeLock().lock();
        try {
            Map<String, QueueData> queues = topicQueues.get(topic);
            if (queues == null) {
                return;
            }
            if (cluster == null || cluster.isEmpty()) {
                topicQueues.remove(topic);
                return;
            }
            queues.keySet().removeAll(clusters.getOrDefault(cluster, Set.of()));
            if (queues.isEmpty()) {
                topicQueues.remove(topic);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Takes away, or gives back, the write permission of every topic on broker group {@code brokerName} in the routes
     * clients get (mqadmin wipeWritePerm / addWritePerm: a broker being retired takes no new messages and its
     * consumers drain it). Its own registrations do not undo it; the group leaving does. Returns the topics it serves.
     */
    public int setWritable(String brokerName, boolean writable) {
        lock.writeLock().lock();
        try {
            if (!brokers.containsKey(brokerName)) {
                return 0;
            }
            if (writable) {
                writeWiped.remove(brokerName);
            } else {
                writeWiped.add(brokerName);
            }
            LOG.info("broker {}: write permission {} by an operator", brokerName, writable ? "given back" : "taken away");
            return (int) topicQueues.values().stream().filter(q -> q.containsKey(brokerName)).count();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
