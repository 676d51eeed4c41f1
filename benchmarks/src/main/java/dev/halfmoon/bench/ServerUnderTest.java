package dev.halfmoon.bench;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ClusterInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A name server and a broker in their own JVMs, started for one benchmark run and stopped (and
 * their directory deleted) by {@link #close}.
 */
interface ServerUnderTest extends AutoCloseable {
    /** Shown in tables: "RocketMQ 5.2.0", "Halfmoon". */
    String name();

    String namesrv();

    String broker();

    /** The broker's process id (for RSS). */
    long brokerPid();

    /** Every process of this server (broker, and a separate name server if any). */
    default java.util.List<Long> pids() {
        return java.util.List.of(brokerPid());
    }

    /** Broker process launch to the broker being listed by the name server, ms. */
    long startToRoutableMs();

    @Override
    void close();

    /** A free loopback port such that {@code port + offsets} are free too. */
    /** Scratch directories of servers made in this JVM and not yet deleted (deleted by {@link #leaveNothing}). */
    java.util.Set<Path> SCRATCH = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A new scratch directory, deleted by the server's close, or by {@link #leaveNothing} if the JVM exits first. */
    static Path scratch(String prefix) throws IOException {
        Path dir = java.nio.file.Files.createTempDirectory(prefix);
        SCRATCH.add(dir);
        return dir;
    }

    /** Deletes a scratch directory. */
    static void delete(Path dir) {
        LogBenchmark.deleteQuietly(dir);
        SCRATCH.remove(dir);
    }

    /**
     * At exit (a time limit, Ctrl-C): kills every process this JVM started that is still running, a broker still
     * starting included, and deletes every scratch directory left.
     */
    static void leaveNothing() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        for (Path dir : java.util.List.copyOf(SCRATCH)) {
            delete(dir);
        }
    }

    static int freePort(int... offsets) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            boolean free = port > 1024 && port < 65000;
            for (int o : offsets) {
                try (ServerSocket s = new ServerSocket(port + o, 1, java.net.InetAddress.getLoopbackAddress())) {
                    // bound: free
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no free port range found");
    }

    /**
     * Waits until {@code namesrv} lists {@code brokerAddress} (polling every 10 ms).
     *
     * @return when it did, System.nanoTime()
     * @throws IOException if it does not within {@code timeoutMs} or {@code alive} turns false
     */
    static long awaitRoutable(String namesrv, String brokerAddress, long timeoutMs, java.util.function.BooleanSupplier alive)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (RemotingClient client = new RemotingClient("bench-probe", 16 << 20, 500)) {
            while (System.nanoTime() < deadline) {
                if (!alive.getAsBoolean()) {
                    throw new IOException("the broker process ended before it registered");
                }
                try {
                    RemotingCommand r = client.invokeSync(namesrv, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO,
                            Map.of(), null), 1000);
                    if (r.code() == ResponseCode.SUCCESS && r.body() != null && Json.decode(r.body(), ClusterInfo.class)
                            .brokerAddrTable().values().stream().anyMatch(b -> brokerAddress == null ? !b.brokerAddrs().isEmpty()
                            : b.brokerAddrs().containsValue(brokerAddress))) {
                        return System.nanoTime();
                    }
                } catch (RuntimeException e) {
                    // not up yet
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
        throw new IOException("broker " + brokerAddress + " not routable through " + namesrv + " within " + timeoutMs + " ms");
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.toHandle().destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static Path home() {
        return Path.of(System.getProperty("halfmoon.home", ".")).toAbsolutePath().normalize();
    }
}
