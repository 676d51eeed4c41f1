package dev.halfmoon.broker.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Where the broker's settings came from, so that a setting changed while it runs can be written where the next start
 * reads it.
 *
 * @param file        the settings file given at start ({@code -c}), or null
 * @param commandLine keys given on the command line ({@code --set}, {@code --port}, ...), which win over the file
 */
public record SettingsOrigin(Path file, Set<String> commandLine) {
    /** Settings built in code (tests, embedded brokers): no file. */
    public static final SettingsOrigin NONE = new SettingsOrigin(null, Set.of());

    public SettingsOrigin {
        commandLine = Set.copyOf(commandLine);
    }
}
