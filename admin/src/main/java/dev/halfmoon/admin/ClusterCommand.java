package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RequestCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cluster list}: every broker the name servers know, and whether it answers. */
@Command(name = "cluster", description = "Brokers of the cluster.", mixinStandardHelpOptions = true, footer = ExitCodes.HELP)
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
}
