package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.QueueKeyedJson;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicConfigWrapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code topic create|update|delete|list|describe} on every master broker (or the one given). */
@Command(name = "topic", description = "Topics: create, update, delete, list, describe.", mixinStandardHelpOptions = true,
        footer = ExitCodes.HELP)
final class TopicCommand {
    @ParentCommand
    AdminMain root;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic on every master broker.")
    int create(@Parameters(paramLabel = "TOPIC", description = "The topic.") String topic,
               @Option(names = "--queues", paramLabel = "N", defaultValue = "8", description = "Read and write queues (default ${DEFAULT-VALUE}).")
               int queues,
               @Option(names = "--perm", paramLabel = "RW|R|W", defaultValue = "RW", description = "RW, R or W (default ${DEFAULT-VALUE}).") String perm,
               @Option(names = "--order", arity = "0..1", paramLabel = "true|false", description = "Mark it as an ordered topic.") boolean order,
               @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only brokers of this cluster.") String cluster) {
        List<AdminClient.BrokerRef> brokers = brokers(cluster);
        for (AdminClient.BrokerRef b : brokers) {
            if (configs(b).containsKey(topic)) {
                throw AdminException.failed("topic " + topic + " exists already on " + b.name() + "; use 'topic update'");
            }
        }
        AdminClient.onEach(brokers, b -> apply(b, new TopicConfig(topic, queues, queues, perm(perm), null, 0, order)),
                "created topic " + topic + " with " + queues + " queues");
        done("created topic " + topic + " with " + queues + " queues on " + AdminClient.names(brokers), topic);
        return ExitCodes.OK;
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an existing topic's queues, permission or order flag.")
    int update(@Parameters(paramLabel = "TOPIC", description = "The topic.") String topic,
               @Option(names = "--queues", paramLabel = "N", description = "New read and write queue count.") Integer queues,
               @Option(names = "--perm", paramLabel = "RW|R|W", description = "RW, R or W.") String perm,
               @Option(names = "--order", arity = "1", paramLabel = "true|false", description = "Ordered topic or not.") Boolean order,
               @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only brokers of this cluster.") String cluster) {
        Map<AdminClient.BrokerRef, TopicConfig> changes = new LinkedHashMap<>();
        for (AdminClient.BrokerRef b : brokers(cluster)) {
            TopicConfig now = configs(b).get(topic);
            if (now != null) {
                changes.put(b, new TopicConfig(topic, queues != null ? queues : now.readQueueNums(),
                        queues != null ? queues : now.writeQueueNums(), perm != null ? perm(perm) : now.perm(),
                        now.topicFilterType(), now.topicSysFlag(), order != null ? order : now.order(), now.attributes()));
            }
        }
        if (changes.isEmpty()) {
            throw AdminException.failed("no topic " + topic + " on any broker; use 'topic create'");
        }
        List<AdminClient.BrokerRef> updated = new ArrayList<>(changes.keySet());
        AdminClient.onEach(updated, b -> apply(b, changes.get(b)), "updated topic " + topic);
        done("updated topic " + topic + " on " + AdminClient.names(updated), topic);
        return ExitCodes.OK;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a topic from every broker and the name servers. Its messages become unreachable.")
    int delete(@Parameters(paramLabel = "TOPIC", description = "The topic.") String topic,
               @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        List<AdminClient.BrokerRef> holders = new ArrayList<>();
        for (AdminClient.BrokerRef b : root.client().masters()) {
            if (configs(b).containsKey(topic)) {
                holders.add(b);
            }
        }
        if (holders.isEmpty()) {
            throw AdminException.failed("no topic " + topic + " on any broker");
        }
        root.confirm("Delete topic " + topic + " from " + AdminClient.names(holders) + "? Consumers will no longer read its messages.", yes);
        AdminClient.onEach(holders, b -> root.client().change(b.address(), RequestCode.DELETE_TOPIC_IN_BROKER, Map.of("topic", topic),
                "'halfmoon-admin topic list --system' shows whether it is still there"), "deleted topic " + topic);
        List<String> stale = new ArrayList<>();
        for (String namesrv : root.client().namesrvs()) {
            try {
                root.client().call(namesrv, RequestCode.DELETE_TOPIC_IN_NAMESRV, Map.of("topic", topic));
            } catch (AdminException e) {
                stale.add(namesrv + " (" + e.getMessage() + ")");
            }
        }
        if (!stale.isEmpty()) { // (its brokers no longer register it: the route goes at their next registration)
            throw new AdminException(ExitCodes.PARTIAL, "deleted topic " + topic + " from " + AdminClient.names(holders)
                    + "; name servers still routing it until those brokers register again (within 30 s): "
                    + String.join(", ", stale));
        }
        done("deleted topic " + topic + " from " + AdminClient.names(holders), topic);
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Topics on every master broker.")
    int list(@Option(names = "--system", description = "Include system, retry and dead-letter topics.") boolean system) {
        List<Map<String, Object>> rows = new ArrayList<>();
        AdminClient.Reached<Map<String, TopicConfig>> reached = root.client().eachMaster(this::configs);
        for (Map.Entry<AdminClient.BrokerRef, Map<String, TopicConfig>> answer : reached.answers()) {
            AdminClient.BrokerRef b = answer.getKey();
            for (TopicConfig t : answer.getValue().values()) {
                if (system || !SystemNames.isSystemTopic(t)) {
                    rows.add(row("topic", t.topicName(), "broker", b.name(), "readQueues", t.readQueueNums(),
                            "writeQueues", t.writeQueueNums(), "perm", Perm.text(t.perm()), "order", t.order()));
                }
            }
        }
        rows.sort((x, y) -> String.valueOf(x.get("topic")).compareTo(String.valueOf(y.get("topic"))));
        root.output().table(List.of("topic", "broker", "readQueues", "writeQueues", "perm", "order"), rows);
        return root.finish(reached);
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "A topic's queues: offsets and last write, per broker.")
    int describe(@Parameters(paramLabel = "TOPIC", description = "The topic.") String topic) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AdminClient.BrokerRef b : root.client().masters()) {
            if (!configs(b).containsKey(topic)) {
                continue;
            }
            var stats = QueueKeyedJson.parse(root.client().call(b.address(), RequestCode.GET_TOPIC_STATS_INFO,
                    Map.of("topic", topic)).body(), "offsetTable");
            for (Map.Entry<MessageQueueRef, Map<String, Object>> e : stats.entrySet()) {
                long min = ((Number) e.getValue().get("minOffset")).longValue();
                long max = ((Number) e.getValue().get("maxOffset")).longValue();
                long last = ((Number) e.getValue().get("lastUpdateTimestamp")).longValue();
                rows.add(row("broker", b.name(), "queue", e.getKey().queueId(), "minOffset", min, "maxOffset", max,
                        "messages", max - min, "lastWrite", last == 0 ? "-" : Instant.ofEpochMilli(last).toString()));
            }
        }
        if (rows.isEmpty()) {
            throw AdminException.failed("no topic " + topic + " on any broker");
        }
        root.output().table(List.of("broker", "queue", "minOffset", "maxOffset", "messages", "lastWrite"), rows);
        return ExitCodes.OK;
    }

    private List<AdminClient.BrokerRef> brokers(String cluster) {
        List<AdminClient.BrokerRef> brokers = root.client().masters().stream()
                .filter(b -> cluster == null || cluster.equals(b.cluster())).toList();
        if (brokers.isEmpty()) {
            throw AdminException.failed("no master broker in cluster " + cluster);
        }
        return brokers;
    }

    private Map<String, TopicConfig> configs(AdminClient.BrokerRef b) {
        return Json.decode(root.client().call(b.address(), RequestCode.GET_ALL_TOPIC_CONFIG, Map.of()).body(),
                TopicConfigWrapper.class).topicConfigTable();
    }

    private void apply(AdminClient.BrokerRef b, TopicConfig t) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("topic", t.topicName());
        headers.put("defaultTopic", "TBW102");
        headers.put("readQueueNums", Integer.toString(t.readQueueNums()));
        headers.put("writeQueueNums", Integer.toString(t.writeQueueNums()));
        headers.put("perm", Integer.toString(t.perm()));
        headers.put("topicFilterType", t.topicFilterType());
        headers.put("topicSysFlag", Integer.toString(t.topicSysFlag()));
        headers.put("order", Boolean.toString(t.order()));
        root.client().change(b.address(), RequestCode.UPDATE_AND_CREATE_TOPIC, headers,
                "'halfmoon-admin topic list' shows what the brokers have");
    }

    private static int perm(String text) {
        return switch (text.trim().toUpperCase()) {
            case "RW", "WR", "6" -> Perm.READ_WRITE;
            case "R", "4" -> Perm.READ;
            case "W", "2" -> Perm.WRITE;
            default -> throw new AdminException(ExitCodes.USAGE, "--perm must be RW, R or W, was " + text);
        };
    }

    private void done(String message, String topic) {
        root.output().result("topic", topic, message);
    }
}
