package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RequestCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code acl set}, {@code acl delete}, {@code acl white} and {@code acl version}: the brokers' ACL accounts, changed on
 * every master as mqadmin updateAclConfig, deleteAclConfig and updateGlobalWhiteAddr do (RocketMQ's requests), and the
 * version of each broker's ACL file. Needs an admin account (--access-key) on a broker with ACL on.
 */
@Command(name = "acl", description = "ACL accounts and white addresses of the brokers (aclEnable=true).",
        mixinStandardHelpOptions = true, footer = ExitCodes.HELP)
final class AclCommand {
    private static final String CHECK = "see with: halfmoon-admin acl version";

    @ParentCommand
    AdminMain root;

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Adds the account, or changes it, on every broker: the options given replace the account's, "
                    + "the others stay (admin is always set: without --admin the account is not one). In force when "
                    + "answered. No account may take away its own admin right."})
    int set(@Parameters(paramLabel = "ACCESS_KEY", description = "the account's access key (more than 6 characters)")
            String accessKey,
            @Option(names = "--secret", required = true, paramLabel = "SECRET_KEY",
                    description = "its secret key (more than 6 characters); - reads it from the first line of standard "
                            + "input, out of the process list and shell history") String secretKey,
            @Option(names = "--admin", description = "an admin account (may change topics, groups, accounts, "
                    + "transactions)") boolean admin,
            @Option(names = "--default-topic-perm", paramLabel = "PERM", description = "DENY, PUB, SUB or PUB|SUB")
            String defaultTopicPerm,
            @Option(names = "--default-group-perm", paramLabel = "PERM", description = "DENY, PUB, SUB or PUB|SUB")
            String defaultGroupPerm,
            @Option(names = "--topics", paramLabel = "TOPIC=PERM,...", description = "per-topic permissions (replace "
                    + "the account's; \"\" clears them)") String topicPerms,
            @Option(names = "--groups", paramLabel = "GROUP=PERM,...", description = "per-group permissions (replace "
                    + "the account's; \"\" clears them)") String groupPerms,
            @Option(names = "--white", paramLabel = "ADDRESS", description = "addresses that may skip the signature "
                    + "(e.g. 192.168.0.*)") String white) {
        Map<String, String> headers = new HashMap<>();
        headers.put("accessKey", accessKey);
        headers.put("secretKey", "-".equals(secretKey) ? root.readSecret("the secret key of " + accessKey) : secretKey);
        headers.put("admin", Boolean.toString(admin));
        putIfGiven(headers, "defaultTopicPerm", defaultTopicPerm);
        putIfGiven(headers, "defaultGroupPerm", defaultGroupPerm);
        putIfGiven(headers, "topicPerms", topicPerms);
        putIfGiven(headers, "groupPerms", groupPerms);
        putIfGiven(headers, "whiteRemoteAddress", white);
        return onEveryMaster(RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, headers, "account " + accessKey + " set");
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Removes the account from every broker; its requests are refused from then on.")
    int delete(@Parameters(paramLabel = "ACCESS_KEY") String accessKey) {
        return onEveryMaster(RequestCode.DELETE_ACL_CONFIG, Map.of("accessKey", accessKey), "account " + accessKey
                + " deleted");
    }

    @Command(name = "white", mixinStandardHelpOptions = true,
            description = "Replaces the addresses that need no account at all (globalWhiteRemoteAddresses) on every "
                    + "broker; \"\" leaves none. Their requests are not checked, admin ones included.")
    int white(@Parameters(paramLabel = "ADDRESS,...") String addresses) {
        return onEveryMaster(RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, Map.of("globalWhiteAddrs", addresses),
                "white addresses set to '" + addresses + "'");
    }

    @Command(name = "version", mixinStandardHelpOptions = true,
            description = "Each broker's ACL file and its version (counted up by every change over the wire).")
    @SuppressWarnings("unchecked")
    int version() {
        AdminClient.Reached<Map<String, String>> reached = root.client().eachMaster(b -> {
            var response = root.client().call(b.address(), RequestCode.GET_BROKER_CLUSTER_ACL_INFO, Map.of());
            return Map.of("version", String.valueOf(response.ext("version")), "files",
                    String.valueOf(response.ext("allAclFileVersion")));
        });
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<AdminClient.BrokerRef, Map<String, String>> answer : reached.answers()) {
            Map<String, Object> version = Json.decode(answer.getValue().get("version").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), Map.class);
            Map<String, Object> files = Json.decode(answer.getValue().get("files").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), Map.class);
            rows.add(row("broker", answer.getKey().name(), "file", String.join(", ", files.keySet()), "counter",
                    version.get("counter"), "changed", java.time.Instant.ofEpochMilli(((Number) version.get("timestamp"))
                            .longValue()).toString()));
        }
        reached.unreachable().forEach(b -> root.tell(b + ": unreachable"));
        root.output().table(List.of("broker", "file", "counter", "changed"), rows);
        return reached.unreachable().isEmpty() ? ExitCodes.OK : ExitCodes.UNREACHABLE;
    }

    private int onEveryMaster(int code, Map<String, String> headers, String done) {
        List<Map<String, Object>> rows = new ArrayList<>();
        AdminClient.onEach(root.client().masters(), b -> {
            root.client().change(b.address(), code, headers, CHECK);
            rows.add(row("broker", b.name(), "address", b.address(), "result", done));
        }, done);
        root.output().table(List.of("broker", "address", "result"), rows);
        return ExitCodes.OK;
    }

    private static void putIfGiven(Map<String, String> headers, String key, String value) {
        if (value != null) {
            headers.put(key, value);
        }
    }
}
