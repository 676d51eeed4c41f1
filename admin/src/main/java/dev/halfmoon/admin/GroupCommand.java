package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerConnectionBody;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.QueueKeyedJson;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.SubscriptionGroupWrapper;
import dev.halfmoon.remoting.body.SystemNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code group list|describe}: consumer groups, who is online, and how far behind they are. */
@Command(name = "group", description = "Consumer groups: list, describe (consumers and lag per queue), create, delete, "
        + "reset offsets.",
        mixinStandardHelpOptions = true, footer = ExitCodes.HELP)
final class GroupCommand {
    @ParentCommand
    AdminMain root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Consumer groups with online consumers and total lag.")
    int list() {
        Map<String, long[]> totals = new TreeMap<>();
        AdminMain.Progress steps = root.new Progress("group list: groups asked about");
        AdminClient.Reached<Map<String, long[]>> reached = root.client().eachMaster(b -> {
            Map<String, long[]> here = new TreeMap<>();
            List<String> names = groups(b).stream().filter(g -> !SystemNames.isSystemGroup(g)).toList();
            steps.add(names.size());
            for (String g : names) {
                here.put(g, new long[] {connections(b, g).map(c -> c.connectionSet().size()).orElse(0),
                    progress(b, g).stream().mapToLong(q -> ((Number) q.get("lag")).longValue()).sum()});
                steps.step();
            }
            return here;
        });
        for (Map.Entry<AdminClient.BrokerRef, Map<String, long[]>> answer : reached.answers()) {
            answer.getValue().forEach((g, here) -> {
                long[] t = totals.computeIfAbsent(g, k -> new long[2]);
                t[0] = Math.max(t[0], here[0]);
                t[1] += here[1];
            });
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        totals.forEach((g, t) -> rows.add(row("group", g, "consumers", t[0], "lag", t[1])));
        root.output().table(List.of("group", "consumers", "lag"), rows);
        return root.finish(reached);
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "A group's online consumers and its progress on every queue.")
    int describe(@Parameters(paramLabel = "GROUP", description = "The consumer group.") String group) {
        List<Map<String, Object>> consumers = new ArrayList<>();
        List<Map<String, Object>> queues = new ArrayList<>();
        TreeSet<String> subscriptions = new TreeSet<>();
        boolean configured = false;
        for (AdminClient.BrokerRef b : root.client().masters()) {
            configured |= groups(b).contains(group);
            connections(b, group).ifPresent(c -> {
                c.subscriptionTable().keySet().stream().filter(t -> !t.startsWith("%RETRY%")).forEach(subscriptions::add);
                for (ConsumerConnectionBody.Connection x : c.connectionSet()) {
                    Map<String, Object> r = row("clientId", x.clientId(), "address", x.clientAddr(), "language", x.language(),
                            "version", x.version());
                    if (!consumers.contains(r)) {
                        consumers.add(r);
                    }
                }
            });
            queues.addAll(progress(b, group));
        }
        if (consumers.isEmpty() && queues.isEmpty() && !configured) {
            throw AdminException.failed("no consumer group " + group + ": none is configured, online or has progress on "
                    + "any broker");
        }
        long lag = queues.stream().mapToLong(q -> ((Number) q.get("lag")).longValue()).sum();
        Output out = root.output();
        if (out.json()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("group", group);
            body.put("lag", lag);
            body.put("subscriptions", subscriptions);
            body.put("consumers", consumers);
            body.put("queues", queues);
            out.print(body);
            return ExitCodes.OK;
        }
        out.line("group " + group + ": " + consumers.size() + (consumers.size() == 1 ? " consumer" : " consumers")
                + " online, lag " + lag
                + (subscriptions.isEmpty() ? "" : ", subscribed to " + String.join(", ", subscriptions)));
        if (!consumers.isEmpty()) {
            out.line("");
            out.printTable(List.of("clientId", "address", "language", "version"), consumers);
        }
        out.line("");
        out.printTable(List.of("topic", "broker", "queue", "brokerOffset", "consumerOffset", "lag"), queues);
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a consumer group on every master broker (needed where autoCreateSubscriptionGroup=false).")
    int create(@Parameters(paramLabel = "GROUP", description = "The consumer group.") String group,
               @Option(names = "--retry-max", paramLabel = "N", defaultValue = "16",
                       description = "Redeliveries before a message goes to the group's dead-letter topic (default ${DEFAULT-VALUE}).")
               int retryMax,
               @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only brokers of this cluster.") String cluster) {
        if (retryMax < 0 || retryMax > 1000) {
            throw new AdminException(ExitCodes.USAGE, "--retry-max must be 0..1000, was " + retryMax);
        }
        SubscriptionGroupConfig d = SubscriptionGroupConfig.of(group);
        byte[] body = Json.encode(new SubscriptionGroupConfig(group, d.consumeEnable(), d.consumeFromMinEnable(),
                d.consumeBroadcastEnable(), d.retryQueueNums(), retryMax, d.brokerId(), d.whichBrokerWhenConsumeSlowly(),
                d.notifyConsumerIdsChangedEnable()));
        List<AdminClient.BrokerRef> brokers = root.client().masters().stream()
                .filter(b -> cluster == null || cluster.equals(b.cluster())).toList();
        if (brokers.isEmpty()) {
            throw AdminException.failed("no master broker in cluster " + cluster);
        }
        for (AdminClient.BrokerRef b : brokers) { // (UPDATE_AND_CREATE would reset an existing group's settings)
            if (groups(b).contains(group)) {
                throw AdminException.failed("consumer group " + group + " exists already on " + b.name());
            }
        }
        AdminClient.onEach(brokers, b -> AdminClient.expect(b.address(), root.client().exchange(b.address(),
                RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, Map.of(), body), ResponseCode.SUCCESS), "created group " + group);
        root.output().result("group", group, "created group " + group + " on " + AdminClient.names(brokers));
        return ExitCodes.OK;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a consumer group from every master broker; --with-offsets forgets its progress too.")
    int delete(@Parameters(paramLabel = "GROUP", description = "The consumer group.") String group,
               @Option(names = "--with-offsets", description = "Also remove its committed offsets.") boolean withOffsets,
               @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        List<AdminClient.BrokerRef> holders = root.client().masters().stream().filter(b -> groups(b).contains(group)).toList();
        if (holders.isEmpty()) {
            throw AdminException.failed("no consumer group " + group + " on any broker");
        }
        root.confirm("Delete consumer group " + group + " from " + AdminClient.names(holders)
                + (withOffsets ? ", with its offsets (its consumers start again from where new groups start)" : "") + "?", yes);
        String flag = Boolean.toString(withOffsets);
        AdminClient.onEach(holders, b -> root.client().change(b.address(), RequestCode.DELETE_SUBSCRIPTIONGROUP,
                Map.of("groupName", group, "removeOffset", flag, "cleanOffset", flag),
                "'halfmoon-admin group list' shows whether it is still there"), "deleted group " + group);
        root.output().result("group", group, "deleted group " + group + " from " + AdminClient.names(holders));
        return ExitCodes.OK;
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Move a group's offsets on a topic, on every broker that has it: to the first message stored at "
                    + "or after a time, to the earliest kept, or to the latest (skipping the backlog). Online consumers "
                    + "are told at once (RocketMQ's resetOffsetByTime)."})
    int reset(@Parameters(paramLabel = "GROUP", description = "The consumer group.") String group,
              @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.") String topic,
              @Option(names = "--to", paramLabel = "TIME|earliest|latest", required = true,
                      description = "An ISO-8601 time (2026-12-07T08:00:00Z), milliseconds since 1970, earliest or latest.")
              String to,
              @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        long timestamp = resetTime(to);
        root.confirm("Reset the offsets of group " + group + " on topic " + topic + " to " + to
                + "? Its consumers will re-read or skip messages accordingly.", yes);
        Map<String, String> headers = Map.of("topic", topic, "group", group, "timestamp", Long.toString(timestamp),
                "isForce", "true");
        List<AdminClient.BrokerRef> done = new ArrayList<>();
        AdminClient.onEach(root.client().masters(), b -> {
            RemotingCommand r = AdminClient.expect(b.address(), root.client().exchange(b.address(),
                    RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, headers, null), ResponseCode.SUCCESS, ResponseCode.TOPIC_NOT_EXIST);
            if (r.code() == ResponseCode.SUCCESS) {
                done.add(b);
            }
        }, "reset group " + group + " on topic " + topic);
        if (done.isEmpty()) {
            throw AdminException.failed("no topic " + topic + " on any broker");
        }
        List<Map<String, Object>> queues = new ArrayList<>();
        for (AdminClient.BrokerRef b : done) {
            progress(b, group).stream().filter(q -> topic.equals(q.get("topic"))).forEach(queues::add);
        }
        root.output().table(List.of("topic", "broker", "queue", "brokerOffset", "consumerOffset", "lag"), queues);
        root.tell("reset group " + group + " on topic " + topic + " to " + to + " on " + AdminClient.names(done));
        return ExitCodes.OK;
    }

    private static long resetTime(String to) {
        switch (to.trim().toLowerCase()) {
            case "earliest":
                return 0;
            case "latest":
                return -1;
            default:
                break;
        }
        try {
            return to.trim().matches("\\d+") ? Long.parseLong(to.trim()) : java.time.Instant.parse(to.trim()).toEpochMilli();
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new AdminException(ExitCodes.USAGE, "--to must be an ISO-8601 time such as 2026-12-07T08:00:00Z, "
                    + "milliseconds since 1970, earliest or latest; was " + to);
        }
    }

    private java.util.Set<String> groups(AdminClient.BrokerRef b) {
        return Json.decode(root.client().call(b.address(), RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, Map.of()).body(),
                SubscriptionGroupWrapper.class).subscriptionGroupTable().keySet();
    }

    private Optional<ConsumerConnectionBody> connections(AdminClient.BrokerRef b, String group) {
        RemotingCommand r = AdminClient.expect(b.address(), root.client().exchange(b.address(),
                RequestCode.GET_CONSUMER_CONNECTION_LIST, Map.of("consumerGroup", group), null),
                ResponseCode.SUCCESS, ResponseCode.CONSUMER_NOT_ONLINE);
        return r.code() == ResponseCode.SUCCESS ? Optional.of(Json.decode(r.body(), ConsumerConnectionBody.class))
                : Optional.empty();
    }

    private List<Map<String, Object>> progress(AdminClient.BrokerRef b, String group) {
        RemotingCommand r = root.client().call(b.address(), RequestCode.GET_CONSUME_STATS, Map.of("consumerGroup", group));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<MessageQueueRef, Map<String, Object>> e : QueueKeyedJson.parse(r.body(), "offsetTable").entrySet()) {
            if (e.getKey().topic().startsWith("%RETRY%")) {
                continue;
            }
            long brokerOffset = ((Number) e.getValue().get("brokerOffset")).longValue();
            long consumerOffset = ((Number) e.getValue().get("consumerOffset")).longValue();
            rows.add(row("topic", e.getKey().topic(), "broker", e.getKey().brokerName(), "queue", e.getKey().queueId(),
                    "brokerOffset", brokerOffset, "consumerOffset", consumerOffset,
                    "lag", Math.max(0, brokerOffset - consumerOffset)));
        }
        return rows;
    }
}
