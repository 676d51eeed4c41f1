package dev.halfmoon.dist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive an operator installs: unpacked in an empty directory, its scripts start a broker
 * from lib/ with conf/, and the admin tool works against it.
 */
@Timeout(120)
class DistributionIT {
    @TempDir
    Path dir;

    @Test
    void theUnpackedArchiveRunsABrokerAndTheAdminTool() throws Exception {
        Path archive = Path.of(System.getProperty("halfmoon.dist"));
        assertTrue(Files.exists(archive), archive + " was not built");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0);
        Path home;
        try (var entries = Files.list(dir)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("halfmoon-")).findFirst().orElseThrow();
        }
        assertTrue(Files.isExecutable(home.resolve("bin/halfmoon-standalone")));
        assertTrue(Files.exists(home.resolve("conf/broker.conf")) && Files.exists(home.resolve("conf/logback.xml")));
        assertFalse(Files.exists(home.resolve("bin/halfmoon-bench")), "benchmarks are not part of the distribution");
        try (var jars = Files.list(home.resolve("lib"))) {
            assertTrue(jars.anyMatch(j -> j.getFileName().toString().startsWith("halfmoon-broker-")));
        }

        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, Files.readString(home.resolve("conf/broker.conf"))
                + "\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nlistenPort=0\nhttpPort=0\nstorePathRootDir=" + dir.resolve("data")
                + "\nmappedFileSizeCommitLog=" + (16 << 20) + "\n");
        try (ScriptProcess standalone = ScriptProcess.start(home.resolve("bin/halfmoon-standalone"),
                List.of("-c", conf.toString(), "--namesrv-port", "0"), Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> standalone.valueAfter("Halfmoon console and /metrics at ") != null
                    || !standalone.isAlive());
            String namesrv = standalone.valueAfter("Halfmoon name server listening on ");
            assertTrue(namesrv != null, standalone.text());
            ScriptProcess.Result create = ScriptProcess.run(home.resolve("bin/halfmoon-admin"),
                    List.of("--namesrv", namesrv, "topic", "create", "Installed", "--queues", "2"), Map.of());
            assertEquals(0, create.code(), create.output());
            ScriptProcess.Result list = ScriptProcess.run(home.resolve("bin/halfmoon-admin"),
                    List.of("--namesrv", namesrv, "topic", "list"), Map.of());
            assertTrue(list.output().contains("Installed"), list.output());
            assertTrue(standalone.stop(), "stops on SIGTERM");
        }
        assertTrue(Files.readString(home.resolve("logs/standalone.log")).contains("serving at"),
                "logs go to logs/ in the installation by default");
    }
}
