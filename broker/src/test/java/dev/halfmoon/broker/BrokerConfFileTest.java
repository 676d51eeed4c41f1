package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/broker.conf documents every setting, and its defaults are the code's. */
class BrokerConfFileTest {
    private static final Path FILE = Path.of("..", "conf", "broker.conf");

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        String text = Files.readString(FILE);
        for (Setting s : BrokerSettings.ALL) {
            String line = "#" + s.key() + "=" + (s.defaultValue() == null ? "" : s.defaultValue());
            assertTrue(text.lines().anyMatch(line::equals), "conf/broker.conf lacks the line " + line);
        }
    }

    @Test
    void theFileUncommentedLoadsToTheDefaults(@TempDir Path dir) throws Exception {
        String uncommented = Files.readString(FILE).lines().filter(l -> l.matches("#[A-Za-z0-9]+=.*"))
                .filter(l -> !l.startsWith("#brokerIP1=")).map(l -> l.substring(1)).reduce("", (a, b) -> a + b + "\n");
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, uncommented);
        BrokerConfig fromFile = BrokerSettings.load(BrokerSettings.readFile(file));
        BrokerConfig defaults = BrokerSettings.load(Map.of());
        assertEquals(defaults.toString(), fromFile.toString(), "records (with the delay levels) print their values");
    }

    @Test
    void unknownKeysStopStartUpAndRocketMqOnlyKeysAreNamedAsSuch() {
        Map<String, String> values = new HashMap<>(Map.of("deleteWhen", "04", "brokerRole", "ASYNC_MASTER"));
        ConfigException rocketMq = assertThrows(ConfigException.class, () -> BrokerSettings.load(values));
        assertTrue(rocketMq.getMessage().contains("RocketMQ settings brokerRole, deleteWhen mean nothing to Halfmoon"),
                rocketMq.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> BrokerSettings.load(Map.of("flushDiskTyp", "SYNC_FLUSH")));
        assertTrue(typo.getMessage().contains("unknown setting flushDiskTyp"), typo.getMessage());
    }

    @Test
    void settingsThatWouldBreakTheBrokerAreRefusedWithTheirRange() {
        for (Map.Entry<String, String> bad : List.of(Map.entry("registerNameServerPeriod", "120000"),
                Map.entry("destroyMapedFileIntervalForcibly", "0"), Map.entry("transactionCheckWindow", "0"),
                Map.entry("brokerId", "1"))) { // (no replication: a "slave" would serve an empty store)
            Map<String, String> values = new HashMap<>(Map.of("storePathRootDir", "/tmp/x", "namesrvAddr", "127.0.0.1:9876"));
            values.put(bad.getKey(), bad.getValue());
            ConfigException e = assertThrows(ConfigException.class, () -> BrokerSettings.load(values), bad.getKey());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void theHttpConsoleListensOnThisMachineOnlyUnlessToldOtherwise() {
        Map<String, String> values = new HashMap<>(Map.of("storePathRootDir", "/tmp/x", "namesrvAddr", "127.0.0.1:9876"));
        assertTrue(BrokerSettings.load(values).http().bindAddress().equals("127.0.0.1"), "it can resolve transactions");
        values.put("httpBindAddress", "0.0.0.0");
        assertTrue(BrokerSettings.load(values).http().bindAddress().equals("0.0.0.0"));
    }
}
