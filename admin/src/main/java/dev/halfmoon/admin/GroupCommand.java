package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerConnectionBody;
import dev.halfmoon.remoting.body.MessageQueueRef;
import dev.halfmoon.remoting.body.QueueKeyedJson;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code group list|describe}: consumer groups, who is online, and how far behind they are. */
@Command(name = "group", description = "Consumer groups: list, describe (consumers and lag per queue).",
        mixinStandardHelpOptions = true, footer = ExitCodes.HELP)
final class GroupCommand {
    @ParentCommand
    AdminMain root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Consumer groups with online consumers and total lag.")
    int list() {
        Map<String, long[]> totals = new TreeMap<>();
        AdminClient.Reached<Map<String, long[]>> reached = root.client().eachMaster(b -> {
            Map<String, long[]> here = new TreeMap<>();
            for (String g : groups(b)) {
                if (!SystemNames.isSystemGroup(g)) {
                    here.put(g, new long[] {connections(b, g).map(c -> c.connectionSet().size()).orElse(0),
                        progress(b, g).stream().mapToLong(q -> ((Number) q.get("lag")).longValue()).sum()});
                }
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
