package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.Setting;
import dev.halfmoon.broker.config.SettingsOrigin;
import dev.halfmoon.namesrv.StartupCommand;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.ParseException;

/** The options every broker start-up command shares: port, data dir, a config file and {@code --set} overrides. */
final class StartupOptions {
    Integer port;
    String data;
    Path config;
    List<String> sets = List.of();
    boolean helpSettings;

    /** Declares these options on {@code command}. */
    static StartupCommand declare(StartupCommand command) {
        return command.value(null, "port", "PORT", "Broker client port (listenPort, default 10911).")
                .value(null, "data", "DIR", "Store directory (storePathRootDir, default ./data).")
                .value("c", "config", "FILE", "Settings file in broker.conf format (properties).")
                .value(null, "set", "KEY=VALUE", "Overrides one setting; repeatable.")
                .flag("help-settings", "Lists every setting with its default and exits.");
    }

    /** Reads these options from a parsed line. */
    void bind(CommandLine line) throws ParseException {
        port = StartupCommand.intValue(line, "port", null);
        data = line.getOptionValue("data");
        config = line.hasOption("config") ? Path.of(line.getOptionValue("config")) : null;
        String[] given = line.getOptionValues("set");
        sets = given == null ? List.of() : List.of(given);
        helpSettings = line.hasOption("help-settings");
    }

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
        Map<String, String> commandLine = commandLine(flags);
        Map<String, String> values = new LinkedHashMap<>();
        if (config != null) {
            values.putAll(BrokerSettings.readFile(config));
        }
        values.putAll(commandLine);
        return BrokerSettings.load(values).withOrigin(new SettingsOrigin(config, commandLine.keySet()));
    }

    /** Each {@code --set}, then the given flags that have a value on top. */
    private Map<String, String> commandLine(Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
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
