package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.remoting.Durations;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pending list|show|commit|rollback}: transactions whose outcome the broker does not know yet. */
@Command(name = "pending", description = "Pending transactions: list, show, commit or roll back by hand; resume a given-up one.",
        mixinStandardHelpOptions = true, footer = ExitCodes.HELP)
final class PendingCommand {
    private static final List<String> COLUMNS = List.of("broker", "transactionId", "topic", "producerGroup", "age",
            "checks", "nextCheck", "lastCheck");

    @ParentCommand
    AdminMain root;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Pending transactions, oldest first.")
    int list(@Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic.") String topic,
             @Option(names = "--group", paramLabel = "GROUP", description = "Only this producer group.") String group,
             @Option(names = "--older-than", paramLabel = "DURATION", description = "Only those at least this old, e.g. 30s, 5m.")
             String olderThan,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many per broker (default ${DEFAULT-VALUE}).")
             int limit,
             @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip this many per broker (paging).") int offset) {
        if (limit < 1 || limit > 10_000 || offset < 0) {
            throw new AdminException(ExitCodes.USAGE, "--limit must be 1..10000 and --offset at least 0, were " + limit
                    + " and " + offset);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "topic", topic);
        put(headers, "producerGroup", group);
        headers.put("olderThanMs", Long.toString(olderThan == null ? 0 : duration(olderThan)));
        headers.put("offset", Integer.toString(offset));
        headers.put("limit", Integer.toString(limit));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> raw = new ArrayList<>();
        long total = 0;
        AdminClient.Reached<Map<String, Object>> reached = root.client().eachMaster(b -> decode(root.client().call(
                b.address(), RequestCode.HM_LIST_PENDING_TRANSACTIONS, headers)));
        for (Map.Entry<AdminClient.BrokerRef, Map<String, Object>> answer : reached.answers()) {
            AdminClient.BrokerRef b = answer.getKey();
            Map<String, Object> page = answer.getValue();
            total += ((Number) page.get("total")).longValue();
            for (Object t : (List<?>) page.get("transactions")) {
                rows.add(view(b, asMap(t)));
                Map<String, Object> full = new LinkedHashMap<>(asMap(t));
                full.put("broker", b.name());
                raw.add(full);
            }
        }
        Output out = root.output();
        if (out.json()) {
            out.print(Map.of("total", total, "transactions", raw));
        } else {
            out.table(COLUMNS, rows);
            root.tell(total + " pending" + (total > rows.size() ? ", " + rows.size() + " shown" : ""));
        }
        return root.finish(reached);
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One pending transaction with its check-back history.")
    int show(@Parameters(paramLabel = "ID", description = "Transaction id, offset message id or half offset.") String id) {
        Found found = find(id);
        Output out = root.output();
        Map<String, Object> view = view(found.broker(), found.transaction());
        if (out.json()) {
            Map<String, Object> full = new LinkedHashMap<>(found.transaction());
            full.put("broker", found.broker().name());
            out.print(full);
            return ExitCodes.OK;
        }
        Map<String, Object> t = found.transaction();
        view.put("halfOffset", t.get("halfOffset"));
        view.put("offsetMsgId", t.get("offsetMsgId"));
        view.put("queueId", t.get("queueId"));
        view.put("bornHost", t.get("bornHost"));
        view.put("stored", new java.util.Date(((Number) t.get("storeTimestamp")).longValue()).toInstant());
        view.put("nextCheck", new java.util.Date(((Number) t.get("nextCheckMs")).longValue()).toInstant());
        view.put("state", t.get("state"));
        out.object(view);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Object c : (List<?>) t.get("checks")) {
            Map<String, Object> check = asMap(c);
            checks.add(row("check", check.get("number"), "at", new java.util.Date(((Number) check.get("atMs")).longValue())
                    .toInstant(), "sentTo", check.get("target")));
        }
        out.line("");
        if (checks.isEmpty()) {
            out.line("No check-backs sent yet.");
        } else {
            out.printTable(List.of("check", "at", "sentTo"), checks);
        }
        return ExitCodes.OK;
    }

    @Command(name = "commit", mixinStandardHelpOptions = true,
            description = "Commit a pending transaction by hand: consumers will receive its message.")
    int commit(@Parameters(paramLabel = "ID", description = "Transaction id, offset message id or half offset.") String id,
               @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        return resolve(id, "COMMIT", yes);
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Roll a pending transaction back by hand: its message is never delivered.")
    int rollback(@Parameters(paramLabel = "ID", description = "Transaction id, offset message id or half offset.") String id,
                 @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        return resolve(id, "ROLLBACK", yes);
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Make a given-up transaction pending again, checked from zero (RocketMQ's resumeCheckHalfMessage).",
                "OFFSET_MSG_ID is its copy's on TRANS_CHECK_MAX_TIME_TOPIC: halfmoon-admin message find "
                        + "--topic TRANS_CHECK_MAX_TIME_TOPIC --key <its key> shows it. A copy is resumed once."})
    int resume(@Parameters(paramLabel = "OFFSET_MSG_ID") String offsetMsgId,
               @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes) {
        OffsetMessageId parsed;
        try {
            parsed = OffsetMessageId.parse(offsetMsgId);
        } catch (IllegalArgumentException e) {
            throw new AdminException(ExitCodes.USAGE, offsetMsgId + " is not an offset message id: " + e.getMessage());
        }
        String broker = parsed.storeHost().getAddress().getHostAddress() + ":" + parsed.storeHost().getPort();
        root.confirm("Resume the given-up transaction stored at " + parsed.commitLogOffset() + " on " + broker
                + "? Its producer group will be asked again, and its message delivered if it answers commit.", yes);
        RemotingCommand response = root.client().change(broker, RequestCode.RESUME_CHECK_HALF_MESSAGE,
                Map.of("msgId", offsetMsgId), "'halfmoon-admin pending list' shows it if it was resumed");
        Output out = root.output();
        if (out.json()) {
            out.print(Map.of("offsetMsgId", offsetMsgId, "broker", broker, "result", String.valueOf(response.remark())));
        } else {
            out.line(response.remark() != null ? response.remark() : "resumed");
        }
        return ExitCodes.OK;
    }

    private int resolve(String id, String decision, boolean yes) {
        Found found = find(id);
        Map<String, Object> t = found.transaction();
        String txId = (String) t.get("transactionId");
        root.confirm((decision.equals("COMMIT") ? "Commit" : "Roll back") + " transaction " + txId + " (topic " + t.get("topic")
                + ", producer group " + t.get("producerGroup") + ", " + Output.age(((Number) t.get("ageMs")).longValue())
                + " old, " + t.get("checkCount") + " check-backs) on " + found.broker().name() + "?", yes);
        // by its half's offset, not its transaction id: copies of one message (a retried send) share that id
        String halfOffset = String.valueOf(t.get("halfOffset"));
        root.client().change(found.broker().address(), RequestCode.HM_RESOLVE_TRANSACTION, Map.of("id", halfOffset,
                "decision", decision), "'halfmoon-admin pending show " + halfOffset + "' tells whether it is still pending");
        String done = (decision.equals("COMMIT") ? "committed" : "rolled back") + " transaction " + txId;
        Output out = root.output();
        if (out.json()) {
            out.print(Map.of("transactionId", txId, "decision", decision, "broker", found.broker().name()));
        } else {
            out.line(done);
        }
        return ExitCodes.OK;
    }

    private record Found(AdminClient.BrokerRef broker, Map<String, Object> transaction) {
    }

    private Found find(String id) {
        AdminClient.Reached<RemotingCommand> reached = root.client().eachMaster(b -> AdminClient.expect(b.address(),
                root.client().exchange(b.address(), RequestCode.HM_DESCRIBE_TRANSACTION, Map.of("id", id), null),
                ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND));
        for (Map.Entry<AdminClient.BrokerRef, RemotingCommand> answer : reached.answers()) {
            if (answer.getValue().code() == ResponseCode.SUCCESS) {
                return new Found(answer.getKey(), decode(answer.getValue()));
            }
        }
        if (!reached.unreachable().isEmpty()) {
            throw AdminException.unreachable("no pending transaction " + id + " on the brokers that answered; could not "
                    + "reach " + String.join(", ", reached.unreachable()));
        }
        throw AdminException.failed("no pending transaction " + id + " on any broker (it may be resolved already)");
    }

    private static Map<String, Object> view(AdminClient.BrokerRef b, Map<String, Object> t) {
        return row("broker", b.name(), "transactionId", t.get("transactionId"), "topic", t.get("topic"),
                "producerGroup", t.get("producerGroup"), "age", Output.age(((Number) t.get("ageMs")).longValue()),
                "checks", t.get("checkCount"), "nextCheck", nextCheck(t), "lastCheck", t.get("lastCheckResult") == null ? "none yet" : t.get("lastCheckResult"));
    }

    /** "in 12 s" or "due", relative to the broker's clock (its age and store time give its now). */
    private static String nextCheck(Map<String, Object> t) {
        long brokerNow = ((Number) t.get("storeTimestamp")).longValue() + ((Number) t.get("ageMs")).longValue();
        long in = ((Number) t.get("nextCheckMs")).longValue() - brokerNow;
        return in <= 0 ? "due" : "in " + Output.age(in);
    }

    private static long duration(String text) {
        try {
            return Durations.parseMs(text);
        } catch (IllegalArgumentException e) {
            throw new AdminException(ExitCodes.USAGE, "--older-than: " + e.getMessage());
        }
    }

    private static void put(Map<String, String> headers, String key, String value) {
        if (value != null && !value.isBlank()) {
            headers.put(key, value);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(RemotingCommand response) {
        return Json.decode(response.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
