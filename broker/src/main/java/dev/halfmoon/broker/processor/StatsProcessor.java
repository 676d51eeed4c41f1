package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.client.ConsumerGroup;
import dev.halfmoon.broker.metrics.KeyedStats;
import dev.halfmoon.broker.offset.GroupProgress;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.DiskUsage;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerConnectionBody;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.QueueKeyedJson;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What RocketMQ's admin tooling asks a broker: topic stats (GET_TOPIC_STATS_INFO), a consumer
 * group's progress per queue (GET_CONSUME_STATS: broker offset, consumer offset, lag), every
 * group's (GET_BROKE_CONSUME_STATS, mqadmin brokerConsumeStats), a group's connections
 * (GET_CONSUMER_CONNECTION_LIST), sums and rates by topic or group (VIEW_BROKER_STATS_DATA, mqadmin
 * statsAll) and broker runtime info.
 */
public final class StatsProcessor {
    private final LogStore store;
    private final TopicRegistry topics;
    private final ClientRegistry clients;
    private final String brokerName;
    private final String brokerAddress;
    private final KeyedStats stats;
    private final GroupProgress progress;
    private final Supplier<Map<String, String>> runtimeExtras;

    /**
     * @param broker        the broker's name and address
     * @param stats         sums and rates by topic and by topic and group
     * @param runtimeExtras further GET_BROKER_RUNTIME_INFO keys (rates, pool queues) from the broker that knows them
     */
    public StatsProcessor(LogStore store, TopicRegistry topics, GroupProgress progress, ClientRegistry clients,
                          Map.Entry<String, String> broker, KeyedStats stats, Supplier<Map<String, String>> runtimeExtras) {
        this.runtimeExtras = runtimeExtras;
        this.store = store;
        this.topics = topics;
        this.progress = progress;
        this.clients = clients;
        this.brokerName = broker.getKey();
        this.brokerAddress = broker.getValue();
        this.stats = stats;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.GET_TOPIC_STATS_INFO, this::topicStats, executor);
        server.register(RequestCode.GET_CONSUME_STATS, this::consumeStats, executor);
        server.register(RequestCode.GET_CONSUMER_CONNECTION_LIST, this::connections, executor);
        server.register(RequestCode.GET_BROKER_RUNTIME_INFO, this::runtime, executor);
        server.register(RequestCode.VIEW_BROKER_STATS_DATA, this::viewStats, executor);
        server.register(RequestCode.GET_BROKER_CONSUME_STATS, this::allConsumeStats, executor);
    }

    private TopicConfig topic(String name) {
        return topics.get(name).orElseThrow(() -> new RequestException(ResponseCode.TOPIC_NOT_EXIST,
                "topic[" + name + "] not exist"));
    }

    private CompletableFuture<RemotingCommand> topicStats(RemotingChannel channel, RemotingCommand r) {
        TopicConfig topic = topic(Headers.required(r, "topic"));
        Map<MessageQueueRef, Object> table = new HashMap<>();
        for (int q = 0; q < topic.queueCount(); q++) {
            long max = store.maxQueueOffset(topic.topicName(), q);
            table.put(new MessageQueueRef(topic.topicName(), brokerName, q), Map.of("minOffset",
                    store.minQueueOffset(topic.topicName(), q), "maxOffset", max, "lastUpdateTimestamp",
                    storeTimeBefore(topic.topicName(), q, max)));
        }
        return ok(r, QueueKeyedJson.object(Map.of(), "offsetTable", table));
    }

    private CompletableFuture<RemotingCommand> consumeStats(RemotingChannel channel, RemotingCommand r) {
        String group = Headers.required(r, "consumerGroup");
        String only = r.ext("topic");
        Set<String> names = only != null && !only.isEmpty() ? Set.of(only) : progress.topicsOf(group);
        return ok(r, consumeStatsOf(group, names, progress.of(group, names)));
    }

    /** A ConsumeStats body: the group's progress on each queue ({@code queues}, of {@code names}) and its messages per second. */
    private byte[] consumeStatsOf(String group, Collection<String> names, List<GroupProgress.QueueProgress> queues) {
        Map<MessageQueueRef, Object> table = new HashMap<>();
        for (GroupProgress.QueueProgress p : queues) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("brokerOffset", p.brokerOffset());
            row.put("consumerOffset", p.consumerOffset());
            row.put("lastTimestamp", storeTimeBefore(p.topic(), p.queueId(), p.consumerOffset()));
            table.put(new MessageQueueRef(p.topic(), brokerName, p.queueId()), row);
        }
        double tps = 0;
        for (String topic : names) {
            tps += stats.snapshot(KeyedStats.GROUP_GET_NUMS, topic + "@" + group).map(s -> s.statsMinute().tps()).orElse(0.0);
        }
        return QueueKeyedJson.object(Map.of("consumeTps", tps), "offsetTable", table);
    }

    /**
     * Every consumer group's progress, one ConsumeStats per topic it reads ({@code isOrder}: ordered topics only), and
     * the total lag: {@code {"brokerAddr":..,"consumeStatsList":[{"group":[..]},..],"totalDiff":n}}.
     */
    private CompletableFuture<RemotingCommand> allConsumeStats(RemotingChannel channel, RemotingCommand r) {
        boolean orderOnly = Boolean.parseBoolean(r.ext("isOrder"));
        Set<String> groups = new TreeSet<>(progress.groups());
        groups.addAll(clients.consumerGroups());
        groups.removeIf(SystemNames::isSystemGroup);
        StringJoiner list = new StringJoiner(",", "[", "]");
        long totalLag = 0;
        for (String group : groups) {
            StringJoiner perTopic = new StringJoiner(",", "[", "]");
            for (String topic : progress.topicsOf(group)) {
                if (topics.get(topic).filter(t -> t.order() || !orderOnly).isEmpty()) {
                    continue;
                }
                List<GroupProgress.QueueProgress> queues = progress.of(group, List.of(topic));
                perTopic.add(new String(consumeStatsOf(group, List.of(topic), queues), StandardCharsets.UTF_8));
                totalLag += queues.stream().mapToLong(GroupProgress.QueueProgress::lag).sum();
            }
            list.add("{" + json(group) + ":" + perTopic + "}");
        }
        String body = "{\"brokerAddr\":" + json(brokerAddress) + ",\"consumeStatsList\":" + list + ",\"totalDiff\":"
                + totalLag + "}";
        return ok(r, body.getBytes(StandardCharsets.UTF_8));
    }

    /** One stats item's sums and rates over the last minute, hour and day, as BrokerStatsData. */
    private CompletableFuture<RemotingCommand> viewStats(RemotingChannel channel, RemotingCommand r) {
        String name = Headers.required(r, "statsName");
        String key = Headers.required(r, "statsKey");
        KeyedStats.Snapshot snapshot = stats.snapshot(name, key).orElseThrow(() -> new RequestException(
                ResponseCode.SYSTEM_ERROR, "The stats <" + name + "> <" + key + "> not exist")); // (RocketMQ's words)
        return ok(r, Json.encode(snapshot));
    }

    private static String json(String text) {
        return new String(Json.encode(text), StandardCharsets.UTF_8);
    }

    private long storeTimeBefore(String topic, int queueId, long offset) {
        if (offset <= 0) {
            return 0;
        }
        var read = store.readQueue(topic, queueId, offset - 1, 1, 1 << 20, null);
        return read.records().isEmpty() ? 0 : RecordView.of(read.records().get(0).bytes()).storeTimestamp();
    }

    private CompletableFuture<RemotingCommand> connections(RemotingChannel channel, RemotingCommand r) {
        String name = Headers.required(r, "consumerGroup");
        ConsumerGroup group = clients.consumerGroup(name).orElseThrow(() -> new RequestException(
                ResponseCode.CONSUMER_NOT_ONLINE, "the consumer group[" + name + "] not online"));
        Set<ConsumerConnectionBody.Connection> connections = new java.util.HashSet<>();
        for (ClientChannel c : group.members()) {
            connections.add(c.connection());
        }
        return ok(r, Json.encode(new ConsumerConnectionBody(connections, group.subscriptions(), group.consumeType(),
                group.messageModel(), group.consumeFromWhere())));
    }

    private CompletableFuture<RemotingCommand> runtime(RemotingChannel channel, RemotingCommand r) {
        Map<String, String> table = new LinkedHashMap<>();
        table.put("brokerVersionDesc", "Halfmoon 0.1 (RocketMQ protocol V4_9_8)");
        table.put("brokerVersion", Integer.toString(RemotingCommand.VERSION));
        table.put("commitLogMinOffset", Long.toString(store.minCommitLogOffset()));
        table.put("commitLogMaxOffset", Long.toString(store.writtenOffset()));
        table.put("dispatchBehindBytes", Long.toString(store.writtenOffset() - store.dispatchedOffset()));
        table.put("diskFull", Boolean.toString(store.health().diskFull()));
        // what RocketMQ's tooling reads besides (mqadmin clusterList fails on a missing putTps, for one)
        table.put("earliestMessageTimeStamp", Long.toString(store.earliestStoreTimestamp()));
        String diskRatio = diskRatio();
        table.put("commitLogDiskRatio", diskRatio);
        table.put("consumeQueueDiskRatio", diskRatio); // (one directory holds both)
        table.put("pageCacheLockTimeMills", "0"); // (appends take no page-cache lock here)
        table.put("brokerActive", "true");
        table.putAll(runtimeExtras.get());
        return ok(r, Json.encode(Map.of("table", table)));
    }

    private String diskRatio() {
        try {
            return String.format(java.util.Locale.ROOT, "%.2f",
                    DiskUsage.of(store.config().rootDir()).usedRatio());
        } catch (java.io.IOException e) {
            return "-1";
        }
    }

    private static CompletableFuture<RemotingCommand> ok(RemotingCommand r, byte[] body) {
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(body));
    }
}
