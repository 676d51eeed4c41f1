package dev.halfmoon.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Halfmoon standalone (name server + broker) in its own JVM on loopback: what a user runs with
 * {@code bin/halfmoon-standalone}. Stopped with SIGTERM ({@link #close}), or killed with SIGKILL
 * ({@link #kill}) to test crashes; it can be started again on the same ports and data dir. What it
 * prints is kept in {@code process.log} in its data dir.
 */
public final class HalfmoonProcess implements AutoCloseable {
    private final Process process;
    private final String namesrv;
    private final String broker;
    private final long startMillis;

    private HalfmoonProcess(Process process, String namesrv, String broker, long startMillis) {
        this.process = process;
        this.namesrv = namesrv;
        this.broker = broker;
        this.startMillis = startMillis;
    }

    /** Starts one on free ports with extra {@code key=value} settings and waits until it prints its addresses. */
    public static HalfmoonProcess start(Path dataDir, List<String> settings) throws IOException {
        return start(dataDir, 0, 0, settings);
    }

    /**
     * Starts one on the given ports (0 picks one) and waits until it prints its addresses.
     *
     * @throws IOException if it does not start within 30 s
     */
    public static HalfmoonProcess start(Path dataDir, int namesrvPort, int brokerPort, List<String> settings)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.halfmoon.broker.StandaloneMain", "--namesrv-port", Integer.toString(namesrvPort),
                "--port", Integer.toString(brokerPort), "--data", dataDir.toString(),
                "--set", "brokerIP1=127.0.0.1", "--set", "bindAddress=127.0.0.1", "--set", "httpPort=0"));
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
        StringBuilder seen = new StringBuilder();
        String line;
        while ((namesrv == null || broker == null) && System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (seen.length() < 20_000) {
                seen.append(line).append('\n');
            }
            if (line.startsWith("Halfmoon name server listening on ")) {
                namesrv = line.substring(line.lastIndexOf(' ') + 1);
            } else if (line.startsWith("Halfmoon broker listening on ")) {
                broker = line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        if (namesrv == null || broker == null) {
            p.destroyForcibly();
            throw new IOException("Halfmoon did not start within 30 s; it printed:\n" + seen);
        }
        Path logFile = dataDir.resolve("process.log");
        Files.writeString(logFile, seen, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Thread drainer = new Thread(() -> drain(out, logFile), "halfmoon-process-output");
        drainer.setDaemon(true);
        drainer.start();
        return new HalfmoonProcess(p, namesrv, broker, (System.nanoTime() - begin) / 1_000_000);
    }

    /** Keeps the pipe from filling up, and keeps what the process said in {@code process.log} of its data dir. */
    private static void drain(BufferedReader out, Path logFile) {
        try (Writer w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = out.readLine()) != null; ) {
                w.write(line);
                w.write('\n');
                if (!out.ready()) {
                    w.flush();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** {@code host:port} of its name server. */
    public String namesrv() {
        return namesrv;
    }

    /** {@code host:port} of its broker. */
    public String broker() {
        return broker;
    }

    public int namesrvPort() {
        return Integer.parseInt(namesrv.substring(namesrv.lastIndexOf(':') + 1));
    }

    public int brokerPort() {
        return Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1));
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Milliseconds from launch until it printed its addresses (it is routable then). */
    public long startMillis() {
        return startMillis;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed beyond what the flush mode did. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
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
