package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every broker start-up command shares: port, data dir, a config file and {@code --set} overrides. */
final class StartupOptions {
    @Option(names = "--port", description = "Broker client port (listenPort, default 10911).")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Store directory (storePathRootDir, default ./data).")
    String data;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Settings file in broker.conf format (properties).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable.")
    List<String> sets = List.of();

    @Option(names = "--help-settings", description = "Lists every setting with its default and exits.")
    boolean helpSettings;

    /**
     * The configuration: the file's values, then each {@code --set}, then the command's own options
     * ({@code --port}, {@code --data} and {@code extra}) on top.
     *
     * @throws ConfigException naming the first bad key
     */
    BrokerConfig load(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(extra);
        flags.put("listenPort", port == null ? null : port.toString());
        flags.put("storePathRootDir", data);
        return BrokerSettings.load(values(flags));
    }

    private Map<String, String> values(Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        if (config != null) {
            values.putAll(BrokerSettings.readFile(config));
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set takes KEY=VALUE, got '" + s + "'");
            }
            values.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        flags.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        return values;
    }

    /** Prints the settings catalogue. */
    static void printSettings() {
        for (Setting s : BrokerSettings.ALL) {
            System.out.printf("%-30s %-14s %s%n", s.key(), s.defaultValue() == null ? "(derived)" : s.defaultValue(),
                    s.description());
        }
    }
}
