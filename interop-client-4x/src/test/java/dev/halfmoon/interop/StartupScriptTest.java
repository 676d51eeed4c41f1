package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The start-up commands users rely on, run as users run them (needs the packaged broker: mvn verify). */
@Timeout(60)
class StartupScriptTest {
    static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    static void assumePackaged() {
        assumeTrue(Files.exists(BIN.resolve("../broker/target/halfmoon-broker.jar")), "broker not packaged yet");
    }

    Process run(List<String> command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("HALFMOON_LOG_DIR", dir.resolve("logs").toString());
        return b.start();
    }

    private String runToEnd(int expectedExit, String... command) throws Exception {
        Process p = run(List.of(command));
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), text);
        return text;
    }

    @Test
    void standaloneStartsRoutableWithinSecondsAndStopsCleanlyOnSigterm() throws Exception {
        assumePackaged();
        Process p = run(List.of(BIN.resolve("halfmoon-standalone").toString(), "--data", dir.toString(), "--namesrv-port", "0",
                "--port", "0", "--set", "brokerIP1=127.0.0.1", "--set", "bindAddress=127.0.0.1"));
        long begin = System.nanoTime();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (java.io.IOException e) {
                output.add("(output closed: " + e.getMessage() + ")");
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> address(output, "Halfmoon broker listening on ") != null
                || !p.isAlive());
        String namesrv = address(output, "Halfmoon name server listening on ");
        String broker = address(output, "Halfmoon broker listening on ");
        long startMs = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(namesrv != null && broker != null, String.join("\n", output));
        assertTrue(startMs < 15_000, "took " + startMs + " ms to start");
        try (RemotingClient client = new RemotingClient("script-test")) {
            assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker, RemotingCommand.request(
                    RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", "Scripted", "readQueueNums", "1", "writeQueueNums", "1"),
                    null), 5000).code());
        }
        String clusterList = runToEnd(0, BIN.resolve("halfmoon-admin").toString(), "--namesrv", namesrv, "cluster", "list");
        assertTrue(clusterList.contains("broker-a") && clusterList.contains(broker) && clusterList.contains("up"), clusterList);
        String topics = runToEnd(0, BIN.resolve("halfmoon-admin").toString(), "--broker", broker, "-o", "json", "topic", "list");
        assertTrue(topics.startsWith("[") && topics.contains("Scripted"), topics);
        String console = address(output, "Halfmoon console and /metrics at ");
        String health = new String(java.net.URI.create(console + "/health").toURL().openStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(health.contains("\"UP\""), health);
        assertTrue(Files.readString(dir.resolve("logs").resolve("standalone.log")).contains("serving at " + broker),
                "the log file has what the console had");
        ProcessHandle.of(p.pid()).ifPresent(h -> h.destroy());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop within 20 s of SIGTERM");
        reader.join(5000);
        assertTrue(output.stream().anyMatch(l -> l.contains("stopped")), String.join("\n", output));
    }

    private static String address(List<String> output, String prefix) {
        return output.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst().orElse(null);
    }

    @Test
    void unknownSettingsAndMissingNameServersFailWithAMessage() throws Exception {
        assumePackaged();
        Process bad = run(List.of(BIN.resolve("halfmoon-broker").toString(), "--namesrv", "127.0.0.1:9", "--set", "listenPrt=1"));
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        assertTrue(text.contains("listenPrt"), text);
        Process help = run(List.of(BIN.resolve("halfmoon-namesrv").toString(), "--help"));
        String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue());
        assertTrue(helpText.contains("--port"), helpText);
        String adminHelp = runToEnd(0, BIN.resolve("halfmoon-admin").toString(), "--help");
        assertTrue(adminHelp.contains("pending") && adminHelp.contains("Exit codes"), adminHelp);
        String unreachable = runToEnd(3, BIN.resolve("halfmoon-admin").toString(), "--namesrv", "127.0.0.1:9", "--timeout", "1s",
                "cluster", "list");
        assertTrue(unreachable.contains("cannot reach 127.0.0.1:9"), unreachable);
    }
}
