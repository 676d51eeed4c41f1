package dev.halfmoon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Halfmoon standalone (name server + broker) in its own JVM on loopback, with a temp data dir:
 * what a user runs with {@code bin/halfmoon-standalone}. Stopped with SIGTERM, killed if it hangs.
 */
final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final String namesrv;
    private final String broker;
    private final long startMillis;

    private BrokerProcess(Process process, String namesrv, String broker, long startMillis) {
        this.process = process;
        this.namesrv = namesrv;
        this.broker = broker;
        this.startMillis = startMillis;
    }

    /** Starts one with extra {@code key=value} settings and waits until it prints its addresses. */
    static BrokerProcess start(Path dataDir, List<String> settings) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.halfmoon.broker.StandaloneMain", "--namesrv-port", "0", "--port", "0", "--data", dataDir.toString(),
                "--set", "brokerIP1=127.0.0.1", "--set", "bindAddress=127.0.0.1"));
        for (String s : settings) {
            command.add("--set");
            command.add(s);
        }
        long begin = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String namesrv = null;
        String broker = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((namesrv == null || broker == null) && System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith("Halfmoon name server listening on ")) {
                namesrv = line.substring(line.lastIndexOf(' ') + 1);
            } else if (line.startsWith("Halfmoon broker listening on ")) {
                broker = line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        if (namesrv == null || broker == null) {
            p.destroyForcibly();
            throw new IOException("Halfmoon did not start within 30 s");
        }
        CompletableFuture.runAsync(() -> drain(out));
        return new BrokerProcess(p, namesrv, broker, (System.nanoTime() - begin) / 1_000_000);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe from filling up
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    String namesrv() {
        return namesrv;
    }

    String broker() {
        return broker;
    }

    long pid() {
        return process.pid();
    }

    /** Milliseconds from launch until it printed its addresses (it is routable then). */
    long startMillis() {
        return startMillis;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
