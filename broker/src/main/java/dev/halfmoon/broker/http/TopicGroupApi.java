package dev.halfmoon.broker.http;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.client.ConsumerGroup;
import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.broker.offset.GroupProgress;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /api/topics} and {@code /api/groups}: topics with their queues, stored messages and the
 * lag of each group reading them; groups with their online consumers and lag per queue.
 */
public final class TopicGroupApi {
    private final LogStore store;
    private final TopicRegistry topics;
    private final SubscriptionGroups groups;
    private final ConsumerOffsets offsets;
    private final ClientRegistry clients;
    private final GroupProgress progress;

    public TopicGroupApi(LogStore store, TopicRegistry topics, SubscriptionGroups groups, ConsumerOffsets offsets,
                  ClientRegistry clients, GroupProgress progress) {
        this.store = store;
        this.topics = topics;
        this.groups = groups;
        this.offsets = offsets;
        this.clients = clients;
        this.progress = progress;
    }

    /** Every topic by name; system, retry and dead-letter topics only when {@code system}. */
    HttpReply topics(boolean system) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (TopicConfig t : new java.util.TreeMap<>(topics.all()).values()) {
            if (!system && SystemNames.isSystemTopic(t)) {
                continue;
            }
            long messages = 0;
            for (int q = 0; q < t.queueCount(); q++) {
                messages += store.maxQueueOffset(t.topicName(), q) - store.minQueueOffset(t.topicName(), q);
            }
            List<Map<String, Object>> readers = new ArrayList<>();
            for (String g : progress.readersOf(t.topicName())) {
                readers.add(Map.of("group", g, "lag", progress.lag(g, t.topicName())));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", t.topicName());
            row.put("readQueues", t.readQueueNums());
            row.put("writeQueues", t.writeQueueNums());
            row.put("perm", Perm.text(t.perm()));
            row.put("order", t.order());
            row.put("messages", messages);
            row.put("groups", readers);
            result.add(row);
        }
        return HttpReply.json(result);
    }

    /** Every consumer group known here (configured, online, or with offsets), with its totals. */
    HttpReply groups() {
        Set<String> names = new TreeSet<>(groups.snapshot().subscriptionGroupTable().keySet());
        names.addAll(clients.consumerGroups());
        names.addAll(offsets.groups());
        List<Map<String, Object>> result = new ArrayList<>();
        for (String name : names) {
            if (SystemNames.isSystemGroup(name)) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", name);
            row.put("consumers", clients.consumerGroup(name).map(g -> g.members().size()).orElse(0));
            row.put("lag", progress.of(name, progress.topicsOf(name)).stream().mapToLong(GroupProgress.QueueProgress::lag).sum());
            result.add(row);
        }
        return HttpReply.json(result);
    }

    /** One group: configuration, online consumers, subscriptions and progress per queue. */
    HttpReply group(String name) {
        var online = clients.consumerGroup(name);
        var config = groups.get(name);
        Set<String> topicNames = progress.topicsOf(name);
        if (online.isEmpty() && config.isEmpty() && topicNames.isEmpty()) {
            throw new HttpException(404, "no consumer group " + name + " on this broker");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", name);
        body.put("online", online.isPresent());
        online.ifPresent(g -> describeOnline(g, body));
        config.ifPresent(c -> body.put("config", c));
        List<GroupProgress.QueueProgress> queues = progress.of(name, topicNames);
        body.put("lag", queues.stream().mapToLong(GroupProgress.QueueProgress::lag).sum());
        body.put("queues", queues);
        return HttpReply.json(body);
    }

    private static void describeOnline(ConsumerGroup g, Map<String, Object> body) {
        List<Map<String, Object>> consumers = new ArrayList<>();
        for (ClientChannel c : g.members()) {
            consumers.add(Map.of("clientId", c.clientId(), "address", c.channel().remoteAddress(), "language", c.language(),
                    "version", c.version(), "lastHeartbeatMs", c.lastHeartbeatMs()));
        }
        body.put("consumeType", g.consumeType());
        body.put("messageModel", g.messageModel());
        body.put("consumers", consumers);
        body.put("subscriptions", new TreeSet<>(g.subscriptions().keySet()));
    }
}
