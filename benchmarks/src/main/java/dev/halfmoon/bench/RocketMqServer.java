package dev.halfmoon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache RocketMQ 5.2.0 (name server + broker) from {@code rocketmq-runtime/target/lib}, each in
 * its own JVM with the broker's stock G1 options and a 2 GiB heap; loopback, a temp store, 128 MiB
 * commit-log files, logs under the temp dir.
 */
final class RocketMqServer implements ServerUnderTest {
    static final String VERSION = "5.2.0";
    /** The stock options of RocketMQ's runbroker.sh, with a 2 GiB heap as the comparison runs it. */
    static final List<String> BROKER_JVM = List.of("-server", "-Xms2g", "-Xmx2g", "-XX:+UseG1GC",
            "-XX:G1HeapRegionSize=16m", "-XX:G1ReservePercent=25", "-XX:InitiatingHeapOccupancyPercent=30",
            "-XX:SoftRefLRUPolicyMSPerMB=0", "-XX:-OmitStackTraceInFastThrow", "-XX:+AlwaysPreTouch",
            "-XX:MaxDirectMemorySize=15g", "-XX:-UseLargePages");
    /** A small broker for interoperability tests: nothing measured, so no pre-touched 2 GiB heap. */
    static final List<String> SMALL_BROKER_JVM = List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
            "-XX:-OmitStackTraceInFastThrow", "-XX:MaxDirectMemorySize=1g");
    private static final List<String> NAMESRV_JVM = List.of("-server", "-Xms512m", "-Xmx512m", "-XX:+UseG1GC",
            "-XX:-OmitStackTraceInFastThrow");

    private final Path dir;
    private final Process namesrvProcess;
    private final Process brokerProcess;
    private final String namesrv;
    private final String broker;
    private final long startMs;

    private RocketMqServer(Path dir, Process namesrvProcess, Process brokerProcess, String namesrv, String broker, long startMs) {
        this.dir = dir;
        this.namesrvProcess = namesrvProcess;
        this.brokerProcess = brokerProcess;
        this.namesrv = namesrv;
        this.broker = broker;
        this.startMs = startMs;
    }

    static Path lib() {
        return ServerUnderTest.home().resolve("rocketmq-runtime/target/lib");
    }

    /** Starts both; {@code flushMode} ASYNC_FLUSH or SYNC_FLUSH. */
    static RocketMqServer start(String flushMode, long transactionTimeoutMs) throws IOException, InterruptedException {
        return start(flushMode, transactionTimeoutMs, BROKER_JVM);
    }

    /** Starts both, the broker with {@code brokerJvm} options. */
    static RocketMqServer start(String flushMode, long transactionTimeoutMs, List<String> brokerJvm)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(lib())) {
            throw new IOException(lib() + " is missing; build first with: mvn -B -q package -DskipTests");
        }
        Path dir = ServerUnderTest.scratch("halfmoon-compare-rocketmq");
        Process ns = null;
        Process br = null;
        try {
            Files.createDirectories(dir.resolve("home"));
            int nsPort = ServerUnderTest.freePort();
            // loopback only (RocketMQ listens on 0.0.0.0 by default); its broker's HA listener (port + 1) binds the wildcard
            // address whatever is set: 5.2.0 has no setting for it
            Files.writeString(dir.resolve("namesrv.conf"), "listenPort=" + nsPort + "\nbindAddress=127.0.0.1\n");
            ns = launch(dir, "namesrv", NAMESRV_JVM, "org.apache.rocketmq.namesrv.NamesrvStartup", dir.resolve("namesrv.conf"));
            String namesrv = "127.0.0.1:" + nsPort;
            awaitPort(nsPort, ns);
            int port = ServerUnderTest.freePort(-2, 1);
            Files.writeString(dir.resolve("broker.conf"), String.join("\n", "brokerClusterName=DefaultCluster",
                    "brokerName=broker-a", "brokerId=0", "brokerIP1=127.0.0.1", "bindAddress=127.0.0.1", "namesrvAddr=" + namesrv, "listenPort=" + port,
                    "storePathRootDir=" + dir.resolve("store"), "storePathCommitLog=" + dir.resolve("store/commitlog"),
                    "mappedFileSizeCommitLog=134217728", "flushDiskType=" + flushMode,
                    "transactionTimeOut=" + transactionTimeoutMs, "transactionCheckInterval=5000",
                    "autoCreateTopicEnable=false", "") + "\n");
            long launched = System.nanoTime();
            br = launch(dir, "broker", brokerJvm, "org.apache.rocketmq.broker.BrokerStartup", dir.resolve("broker.conf"));
            String broker = "127.0.0.1:" + port;
            Process b = br;
            long routable = ServerUnderTest.awaitRoutable(namesrv, broker, 120_000, b::isAlive);
            return new RocketMqServer(dir, ns, br, namesrv, broker, (routable - launched) / 1_000_000);
        } catch (IOException | RuntimeException | InterruptedException e) {
            ServerUnderTest.stop(br);
            ServerUnderTest.stop(ns);
            ServerUnderTest.delete(dir);
            throw e;
        }
    }

    private static Process launch(Path dir, String role, List<String> jvm, String main, Path conf) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-Duser.home=" + dir.resolve("home"), "-cp", lib() + "/*", main, "-c", conf.toString()));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(role + ".out").toFile());
        b.environment().put("ROCKETMQ_HOME", dir.resolve("home").toString());
        return b.start();
    }

    private static void awaitPort(int port, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException("RocketMQ name server did not listen on " + port);
    }

    @Override
    public String name() {
        return "RocketMQ " + VERSION;
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
        return brokerProcess.pid();
    }

    @Override
    public java.util.List<Long> pids() {
        return java.util.List.of(brokerProcess.pid(), namesrvProcess.pid());
    }

    @Override
    public long startToRoutableMs() {
        return startMs;
    }

    @Override
    public void close() {
        ServerUnderTest.stop(brokerProcess);
        ServerUnderTest.stop(namesrvProcess);
        ServerUnderTest.delete(dir);
    }
}
