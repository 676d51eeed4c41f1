package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.body.PropertiesText;
import dev.halfmoon.remoting.RequestCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cluster list}: every broker the name servers know, and whether it answers; {@code cluster settings} and
 * {@code cluster set}: the brokers' settings, and the few that can change while they run.
 */
@Command(name = "cluster", description = "Brokers of the cluster, and their settings.", mixinStandardHelpOptions = true,
        footer = ExitCodes.HELP)
final class ClusterCommand {
    @ParentCommand
    AdminMain root;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every broker with its address, version and store figures; unreachable ones are marked "
                    + "(and the exit code is 3).")
    @SuppressWarnings("unchecked")
    int list() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<AdminClient.BrokerRef> brokers = root.client().brokers();
        if (brokers.isEmpty()) {
            throw root.client().noBroker();
        }
        for (AdminClient.BrokerRef b : brokers) {
            Map<String, Object> row = row("cluster", b.cluster(), "broker", b.name(), "id", b.id(), "address", b.address());
            try {
                Map<String, Object> info = Json.decode(root.client().call(b.address(), RequestCode.GET_BROKER_RUNTIME_INFO,
                        Map.of()).body(), Map.class);
                Map<String, Object> table = (Map<String, Object>) info.get("table");
                row.put("status", "up");
                row.put("version", table.get("brokerVersionDesc"));
                Object max = table.get("commitLogMaxOffset");
                row.put("commitLogMaxOffset", max != null && String.valueOf(max).matches("\\d{1,18}")
                        ? Long.valueOf(String.valueOf(max)) : max);
                row.put("diskFull", Boolean.parseBoolean(String.valueOf(table.get("diskFull"))));
            } catch (AdminException e) {
                row.put("status", e.exitCode() == ExitCodes.UNREACHABLE ? "unreachable" : "refused");
                root.tell(b.name() + " " + b.address() + ": " + e.getMessage());
            }
            rows.add(row);
        }
        root.output().table(List.of("cluster", "broker", "id", "address", "status", "version", "commitLogMaxOffset",
                "diskFull"), rows);
        // a monitoring script must tell "all up" from "none answers"
        boolean anyDown = rows.stream().anyMatch(r -> !"up".equals(r.get("status")));
        return anyDown ? ExitCodes.UNREACHABLE : ExitCodes.OK;
    }

    @Command(name = "settings", mixinStandardHelpOptions = true,
            description = "Each broker's effective settings (passwords masked); with KEYs, only those.")
    int settings(@Parameters(paramLabel = "KEY", arity = "0..*", description = "settings to show (default: all)")
                 List<String> keys) {
        AdminClient.Reached<Map<String, String>> reached = root.client().eachMaster(b -> PropertiesText.decode(
                root.client().call(b.address(), RequestCode.GET_BROKER_CONFIG, Map.of()).body()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<AdminClient.BrokerRef, Map<String, String>> answer : reached.answers()) {
            Map<String, String> values = new TreeMap<>(answer.getValue());
            for (String key : keys == null || keys.isEmpty() ? values.keySet() : keys) {
                rows.add(row("broker", answer.getKey().name(), "key", key, "value", values.getOrDefault(key, "(unknown)")));
            }
        }
        reached.unreachable().forEach(b -> root.tell(b + ": unreachable"));
        root.output().table(List.of("broker", "key", "value"), rows);
        return reached.unreachable().isEmpty() ? ExitCodes.OK : ExitCodes.UNREACHABLE;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Changes settings on every broker while it runs, as mqadmin updateBrokerConfig does: "
                    + "maxMessageSize, transactionTimeOut, transactionCheckMax, transactionCheckInterval, fileReservedTime, "
                    + "diskMaxUsedSpaceRatio. Each broker "
                    + "checks them as at start and saves them to the settings file it was started with (-c); any "
                    + "other key is refused and nothing changes."})
    int set(@Parameters(paramLabel = "KEY=VALUE", arity = "1..*") List<String> assignments) {
        Map<String, String> changes = new TreeMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new AdminException(ExitCodes.USAGE, "settings are given as KEY=VALUE, not '" + a + "'");
            }
            changes.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        byte[] body = PropertiesText.encode(changes);
        List<Map<String, Object>> rows = new ArrayList<>();
        AdminClient.onEach(root.client().masters(), b -> rows.add(row("broker", b.name(), "address", b.address(),
                "result", root.client().change(b.address(), RequestCode.UPDATE_BROKER_CONFIG, Map.of(), body,
                        "see with: halfmoon-admin cluster settings " + String.join(" ", changes.keySet())).remark())),
                "changed " + changes);
        root.output().table(List.of("broker", "address", "result"), rows);
        return ExitCodes.OK;
    }
}
