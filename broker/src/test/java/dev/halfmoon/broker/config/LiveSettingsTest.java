package dev.halfmoon.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings changed while the broker runs (mqadmin updateBrokerConfig): applied, shown, kept for the next start. */
class LiveSettingsTest {
    @TempDir
    Path dir;

    private final List<String> told = new ArrayList<>();

    private LiveSettings started(Path file, Set<String> commandLine) {
        Map<String, String> values = file == null ? Map.of() : BrokerSettings.readFile(file);
        BrokerConfig config = BrokerSettings.load(values);
        LiveSettings live = new LiveSettings(new ConcurrentHashMap<>(config.settings()), new SettingsOrigin(file, commandLine));
        live.addListener((messaging, transactions, retention) -> told.add(messaging.maxMessageSize() + "/"
                + transactions.timeoutMs() + "/" + transactions.checkMax() + "/" + retention.fileReservedTimeMs() / 3_600_000
                + "h/" + retention.diskMaxUsedSpaceRatio() + "%"));
        return live;
    }

    @Test
    void aChangeIsAppliedShownAndWrittenToTheFileTheNextStartReads() throws Exception {
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, "# orders cluster\nbrokerName=broker-x\nmaxMessageSize = 4194304\n\n! old style comment\n"
                + "transactionTimeOut=6000\n");
        LiveSettings live = started(file, Set.of());

        String said = live.update(Map.of("maxMessageSize", "1024", "transactionCheckMax", "3"));

        assertTrue(said.contains("saved to " + file), said);
        assertEquals(List.of("1024/6000/3/72h/75%"), told);
        assertEquals("1024", live.effective().get("maxMessageSize"));
        assertEquals("3", live.effective().get("transactionCheckMax"));
        assertEquals("# orders cluster\nbrokerName=broker-x\nmaxMessageSize=1024\n\n! old style comment\n"
                + "transactionTimeOut=6000\ntransactionCheckMax=3\n", Files.readString(file, StandardCharsets.UTF_8),
                "the changed line replaced in place, the new key appended, comments and others kept");
        BrokerConfig restarted = BrokerSettings.load(BrokerSettings.readFile(file));
        assertEquals(1024, restarted.messaging().maxMessageSize());
        assertEquals(3, restarted.transactions().checkMax());
    }

    @Test
    void continuedLinesEscapedKeysLinksAndPermissionsAreRespected() throws Exception {
        Path real = dir.resolve("real.conf");
        Files.writeString(real, "maxMessageSize=4194\\\n  304\nbrokerName=broker-\\\n  x\n# a comment \\\n"
                + "transactionCheckMax=4\ntransaction\\CheckMax=5\n");
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("broker.conf"), real);
        LiveSettings live = started(link, Set.of());

        live.update(Map.of("maxMessageSize", "2048", "transactionCheckMax", "6"));

        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        BrokerConfig restarted = BrokerSettings.load(BrokerSettings.readFile(link));
        assertEquals(2048, restarted.messaging().maxMessageSize(), "the continuation went with its line");
        assertEquals(6, restarted.transactions().checkMax(), "the escaped spelling of the key does not win");
        assertEquals("broker-x", restarted.identity().brokerName(), "other continued lines kept");
        assertEquals(List.of(), Files.list(dir).filter(f -> f.toString().endsWith(".tmp")).toList());
    }

    @Test
    void keysReadOnlyAtStartUnknownKeysAndBadValuesAreRefusedAndChangeNothing() throws Exception {
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, "maxMessageSize=4194304\n");
        LiveSettings live = started(file, Set.of());

        ConfigException fixed = assertThrows(ConfigException.class, () -> live.update(Map.of("flushDiskType", "SYNC_FLUSH",
                "maxMessageSize", "1024")));
        assertTrue(fixed.getMessage().contains("flushDiskType cannot change while the broker runs"), fixed.getMessage());
        assertTrue(fixed.getMessage().contains("maxMessageSize"), "names what can change: " + fixed.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> live.update(Map.of("noSuchKey", "1")));
        assertTrue(unknown.getMessage().contains("unknown setting(s) [noSuchKey]"), unknown.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> live.update(Map.of("transactionCheckMax", "0")));
        assertTrue(bad.getMessage().contains("transactionCheckMax"), bad.getMessage());
        assertThrows(ConfigException.class, () -> live.update(Map.of("transactionTimeOut", "soon")));
        ConfigException ratio = assertThrows(ConfigException.class, () -> live.update(Map.of("diskMaxUsedSpaceRatio", "99")));
        assertTrue(ratio.getMessage().contains("diskMaxUsedSpaceRatio"), ratio.getMessage());

        assertEquals(List.of(), told);
        assertEquals("4194304", live.effective().get("maxMessageSize"));
        assertEquals("maxMessageSize=4194304\n", Files.readString(file, StandardCharsets.UTF_8));
    }

    /** mqadmin updateBrokerConfig -k fileReservedTime: the retention the store and the check-backs are told. */
    @Test
    void retentionChangesWhileRunning() throws Exception {
        LiveSettings live = started(null, Set.of());
        live.update(Map.of("fileReservedTime", "12", "diskMaxUsedSpaceRatio", "60"));
        assertEquals(List.of("4194304/6000/15/12h/60%"), told);
        assertEquals("12", live.effective().get("fileReservedTime"));
    }

    @Test
    void saysWhenNothingWillKeepTheChangeOrTheCommandLineWillOverrideIt() throws Exception {
        String unsaved = started(null, Set.of()).update(Map.of("transactionTimeOut", "3000"));
        assertTrue(unsaved.startsWith("not saved: the broker was started without a settings file"), unsaved);
        assertEquals(List.of("4194304/3000/15/72h/75%"), told);

        Path file = dir.resolve("broker.conf");
        Files.writeString(file, "");
        String shadowed = started(file, Set.of("maxMessageSize")).update(Map.of("maxMessageSize", "2048"));
        assertTrue(shadowed.contains("the command line's [maxMessageSize] will override the file at the next start"),
                shadowed);
        assertEquals("maxMessageSize=2048\n", Files.readString(file, StandardCharsets.UTF_8));
    }
}
