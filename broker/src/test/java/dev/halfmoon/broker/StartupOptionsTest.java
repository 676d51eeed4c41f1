package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.SettingsOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start's settings remember their file and what the command line set over it (where a live change is saved). */
class StartupOptionsTest {
    @Test
    void theFileAndTheKeysTheCommandLineSetAreKnown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, "maxMessageSize=2048\ntransactionCheckMax=5\n");
        StartupOptions options = new StartupOptions();
        options.config = file;
        options.sets = List.of("transactionCheckMax = 7");
        options.port = 0;
        BrokerConfig config = options.load(Map.of());
        assertEquals(new SettingsOrigin(file, Set.of("transactionCheckMax", "listenPort")), config.origin());
        assertEquals(7, config.transactions().checkMax());
        assertEquals(2048, config.messaging().maxMessageSize());
    }
}
