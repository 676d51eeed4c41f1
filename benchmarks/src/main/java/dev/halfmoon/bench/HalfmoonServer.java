package dev.halfmoon.bench;

import dev.halfmoon.testkit.ScriptProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Halfmoon as users start it: {@code bin/halfmoon-standalone} on loopback with a temp data dir. */
final class HalfmoonServer implements ServerUnderTest {
    private final Path dir;
    private final ScriptProcess process;
    private final String namesrv;
    private final String broker;
    private final long startMs;

    private HalfmoonServer(Path dir, ScriptProcess process, String namesrv, String broker, long startMs) {
        this.dir = dir;
        this.process = process;
        this.namesrv = namesrv;
        this.broker = broker;
        this.startMs = startMs;
    }

    static HalfmoonServer start(String flushMode, long transactionTimeoutMs) throws IOException, InterruptedException {
        Path script = ServerUnderTest.home().resolve("bin/halfmoon-standalone");
        Path dir = ServerUnderTest.scratch("halfmoon-compare-halfmoon");
        long launched = System.nanoTime();
        ScriptProcess p = ScriptProcess.start(script, List.of("--data", dir.resolve("data").toString(), "--namesrv-port", "0",
                "--port", "0", "--set", "brokerIP1=127.0.0.1", "--set", "bindAddress=127.0.0.1", "--set", "httpPort=0",
                "--set", "flushDiskType=" + flushMode, "--set", "transactionTimeOut=" + transactionTimeoutMs,
                "--set", "transactionCheckInterval=5000", "--set", "mappedFileSizeCommitLog=134217728"),
                Map.of("HALFMOON_LOG_DIR", dir.resolve("logs").toString()));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // the name server's address is printed as soon as it listens: routable is when it routes to a broker
            String namesrv = awaitLine(p, "Halfmoon name server listening on ", deadline);
            long routable = ServerUnderTest.awaitRoutable(namesrv, null, 60_000, p::isAlive);
            String broker = awaitLine(p, "Halfmoon broker listening on ", deadline);
            return new HalfmoonServer(dir, p, namesrv, broker, (routable - launched) / 1_000_000);
        } catch (IOException | RuntimeException | InterruptedException e) {
            p.stop();
            p.close();
            ServerUnderTest.delete(dir);
            throw e;
        }
    }

    private static String awaitLine(ScriptProcess p, String prefix, long deadline) throws IOException, InterruptedException {
        while (p.valueAfter(prefix) == null && p.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(2);
        }
        String value = p.valueAfter(prefix);
        if (value == null) {
            throw new IOException("Halfmoon did not start: " + p.text());
        }
        return value;
    }

    @Override
    public String name() {
        return "Halfmoon";
    }

    @Override
    public String namesrv() {
        return namesrv;
    }

    @Override
    public String broker() {
        return broker;
    }

    @Override
    public long brokerPid() {
        return process.pid();
    }

    @Override
    public long startToRoutableMs() {
        return startMs;
    }

    @Override
    public void close() {
        try {
            if (!process.stop()) {
                process.close();
            }
        } catch (InterruptedException e) {
            process.close();
            Thread.currentThread().interrupt();
        }
        ServerUnderTest.delete(dir);
    }
}
