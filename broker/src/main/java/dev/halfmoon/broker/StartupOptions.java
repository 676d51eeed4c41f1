package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.Setting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every start-up command shares: a config file and {@code --set} overrides. */
final class StartupOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Settings file in broker.conf format (properties).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable.")
    List<String> sets = List.of();

    @Option(names = "--help-settings", description = "Lists every setting with its default and exits.")
    boolean helpSettings;

    /** The file's values, then each {@code --set}, then {@code flags} (the command's own options) on top. */
    Map<String, String> values(Map<String, String> flags) {
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
