package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.testkit.ScriptProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The start-up commands users rely on, run as users run them (needs the packaged broker: mvn verify). */
@Timeout(90)
class StartupScriptTest {
    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    static void assumePackaged() {
        assumeTrue(Files.exists(BIN.resolve("../broker/target/halfmoon-broker.jar")), "broker not packaged yet");
        assumeTrue(Files.exists(BIN.resolve("../admin/target/halfmoon-admin.jar")), "admin tool not packaged yet");
    }

    private Map<String, String> env() {
        return Map.of("HALFMOON_LOG_DIR", dir.resolve("logs").toString(), "HALFMOON_CACHE_DIR", dir.resolve("cds").toString());
    }

    private ScriptProcess.Result run(int expectedExit, String script, String... args) throws Exception {
        ScriptProcess.Result r = ScriptProcess.run(BIN.resolve(script), List.of(args), env());
        assertEquals(expectedExit, r.code(), r.output());
        return r;
    }

    @Test
    void standaloneStartsRoutableWithinSecondsAndStopsCleanlyOnSigterm() throws Exception {
        assumePackaged();
        long begin = System.nanoTime();
        try (ScriptProcess p = ScriptProcess.start(BIN.resolve("halfmoon-standalone"), List.of("--data", dir.toString(),
                "--namesrv-port", "0", "--port", "0", "--set", "brokerIP1=127.0.0.1", "--set", "bindAddress=127.0.0.1"), env())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.valueAfter("Halfmoon console and /metrics at ") != null
                    || !p.isAlive());
            String namesrv = p.valueAfter("Halfmoon name server listening on ");
            String broker = p.valueAfter("Halfmoon broker listening on ");
            long startMs = (System.nanoTime() - begin) / 1_000_000;
            assertTrue(namesrv != null && broker != null, p.text());
            assertTrue(startMs < 15_000, "took " + startMs + " ms to start");
            try (RemotingClient client = new RemotingClient("script-test")) {
                assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker, RemotingCommand.request(
                        RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Scripted", "readQueueNums", "1",
                                "writeQueueNums", "1"), null), 5000).code());
            }
            String clusterList = run(0, "halfmoon-admin", "--namesrv", namesrv, "cluster", "list").output();
            assertTrue(clusterList.contains("broker-a") && clusterList.contains(broker) && clusterList.contains("up"), clusterList);
            String topics = run(0, "halfmoon-admin", "--broker", broker, "-o", "json", "topic", "list").output();
            assertTrue(topics.startsWith("[") && topics.contains("Scripted"), topics);
            // (a class archive of its own: a start that does not serve clears the archives of its cache directory)
            ScriptProcess.Result refused = ScriptProcess.run(BIN.resolve("halfmoon-standalone"), List.of("--data",
                    dir.toString(), "--namesrv-port", "0", "--port", "0", "--set", "brokerIP1=127.0.0.1", "--set",
                    "bindAddress=127.0.0.1", "--set", "httpEnable=false"), Map.of("HALFMOON_LOG_DIR",
                    dir.resolve("logs2").toString(), "HALFMOON_CACHE_DIR", dir.resolve("cds2").toString()));
            String second = refused.output();
            assertEquals(1, refused.code(), second);
            assertTrue(second.contains("cannot start: cannot open the metadata database in ") && !second.contains("\tat ")
                    && second.contains("is another broker using this data directory?"), second);
            String console = p.valueAfter("Halfmoon console and /metrics at ");
            String health = new String(java.net.URI.create(console + "/health").toURL().openStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(health.contains("\"UP\""), health);
            assertTrue(Files.readString(dir.resolve("logs").resolve("standalone.log")).contains("serving at " + broker),
                    "the log file has what the console had");
            // a start that serves marks the class archive its JVM writes at exit as one the next start may use
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (var files = Files.list(dir.resolve("cds"))) {
                    return files.anyMatch(f -> f.getFileName().toString().matches("standalone-\\d+\\.jsa\\.served"));
                }
            });
            assertTrue(p.stop(), "did not stop within 20 s of SIGTERM");
            assertTrue(p.output().stream().anyMatch(l -> l.contains("stopped")), p.text());
        }
    }

    @Test
    void helpVersionAndBadLinesAnswerAtOnceAndLeaveNoClassArchiveToUse() throws Exception {
        assumePackaged();
        Path cache = dir.resolve("cds");
        Map<String, String> env = Map.of("HALFMOON_LOG_DIR", dir.resolve("logs").toString(), "HALFMOON_CACHE_DIR",
                cache.toString());
        ScriptProcess.Result help = ScriptProcess.run(BIN.resolve("halfmoon-standalone"), List.of("--help"), env);
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("--namesrv-port") && help.output().contains("--set <KEY=VALUE>"), help.output());
        ScriptProcess.Result version = ScriptProcess.run(BIN.resolve("halfmoon-broker"), List.of("-V"), env);
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().startsWith("halfmoon-broker 0."), version.output());
        ScriptProcess.Result badPort = ScriptProcess.run(BIN.resolve("halfmoon-namesrv"), List.of("--port", "abc"), env);
        assertEquals(2, badPort.code(), badPort.output());
        assertTrue(badPort.output().contains("--port takes a whole number, got 'abc'"), badPort.output());
        ScriptProcess.Result stray = ScriptProcess.run(BIN.resolve("halfmoon-standalone"), List.of("data"), env);
        assertEquals(2, stray.code(), stray.output());
        assertTrue(stray.output().contains("unexpected argument 'data'"), stray.output());
        // an archive written by a run that loads few classes would make every later start slow: none is
        // marked as written by a run that served, so the next start writes a new one
        try (var files = Files.list(cache)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".served")).toList());
        }
    }

    @Test
    void anOldJavaFirstOnThePathIsNamedInsteadOfAClassVersionError() throws Exception {
        assumePackaged();
        Path jdk8 = dir.resolve("jdk8");
        Files.createDirectories(jdk8.resolve("bin"));
        Files.writeString(jdk8.resolve("release"), "JAVA_VERSION=\"1.8.0_392\"\nOS_NAME=\"Linux\"\n");
        Path java = Files.writeString(jdk8.resolve("bin/java"), "#!/bin/sh\necho 'an old JVM started' >&2\nexit 99\n");
        assertTrue(java.toFile().setExecutable(true));
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("PATH", jdk8.resolve("bin") + ":" + System.getenv("PATH"));
        for (String script : List.of("halfmoon-standalone", "halfmoon-admin")) {
            ScriptProcess.Result r = ScriptProcess.run(BIN.resolve(script), List.of("--help"), env);
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains("is Java 1.8.0_392; Halfmoon needs Java 17 or later"), r.output());
        }
    }

    @Test
    void unknownSettingsAndMissingNameServersFailWithAMessage() throws Exception {
        assumePackaged();
        assertTrue(run(2, "halfmoon-broker", "--namesrv", "127.0.0.1:9", "--set", "listenPrt=1").output().contains("listenPrt"));
        assertTrue(run(0, "halfmoon-namesrv", "--help").output().contains("--port"));
        String adminHelp = run(0, "halfmoon-admin", "--help").output();
        assertTrue(adminHelp.contains("pending") && adminHelp.contains("Exit codes"), adminHelp);
        String unreachable = run(3, "halfmoon-admin", "--namesrv", "127.0.0.1:9", "--timeout", "1s", "cluster", "list").output();
        assertTrue(unreachable.contains("cannot reach 127.0.0.1:9"), unreachable);
    }

    /** storePathRootDir pointed at a RocketMQ store: refused in one line, the store left as it was. */
    @Test
    void aDataDirectoryHoldingAnotherStoreIsRefusedAndLeftAlone() throws Exception {
        assumePackaged();
        Path segment = dir.resolve("rocketmq/commitlog/00000000000000000000");
        Files.createDirectories(segment.getParent());
        byte[] rocketmq = new byte[1 << 20];
        ByteBuffer.wrap(rocketmq).putInt(220).putInt(0xDAA320A7);
        Files.write(segment, rocketmq);
        String refused = run(1, "halfmoon-standalone", "--namesrv-port", "0", "--port", "0", "--data",
                dir.resolve("rocketmq").toString(), "--set", "mappedFileSizeCommitLog=1048576", "--set", "brokerIP1=127.0.0.1",
                "--set", "bindAddress=127.0.0.1").output();
        assertTrue(refused.contains("halfmoon-standalone: cannot start: the commit log in") && !refused.contains("\tat "),
                refused);
        assertArrayEquals(rocketmq, Files.readAllBytes(segment));
    }
}
