package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.ConfigException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/halfmoon-broker}: runs one broker until SIGTERM, then flushes and checkpoints. */
@Command(name = "halfmoon-broker", mixinStandardHelpOptions = true,
        description = "Runs a Halfmoon broker registered with one or more name servers. Settings use RocketMQ's broker.conf keys.")
public final class BrokerMain implements Callable<Integer> {
    @Option(names = "--namesrv", paramLabel = "HOST:PORT[;HOST:PORT]", description = "Name servers (namesrvAddr).")
    String namesrv;

    @Mixin
    StartupOptions options = new StartupOptions();

    public static void main(String[] args) {
        BrokerMain.warmUpInBackground();
        int code = new CommandLine(new BrokerMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (options.helpSettings) {
            StartupOptions.printSettings();
            return 0;
        }
        Map<String, String> flags = new HashMap<>();
        flags.put("namesrvAddr", namesrv);
        BrokerConfig config;
        try {
            config = options.load(flags);
        } catch (ConfigException e) {
            System.err.println("halfmoon-broker: " + e.getMessage());
            return 2;
        }
        if (config.namesrv().addresses().isEmpty()) {
            System.err.println("halfmoon-broker: no name server; give --namesrv HOST:PORT or namesrvAddr");
            return 2;
        }
        Broker broker = Broker.start(config, Clock.systemUTC());
        System.out.println("Halfmoon broker listening on " + broker.address() + ", registered with "
                + String.join(";", config.namesrv().addresses()));
        broker.httpAddress().ifPresent(http -> System.out.println("Halfmoon console and /metrics at " + http));
        awaitTermination(broker);
        return 0;
    }

    /**
     * Starts what takes long to initialise and is needed anyway (logging, RocksDB's native library)
     * on a background thread while the command line is parsed: start-up time users wait for.
     */
    static void warmUpInBackground() {
        // calls made while logging initialises here are replayed into the log; SLF4J would also print a
        // three-line warning about that replay on every start, which tells an operator nothing
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        Thread t = new Thread(() -> {
            org.slf4j.LoggerFactory.getILoggerFactory();
            org.rocksdb.RocksDB.loadLibrary();
            // the first registration's body, encoded by the broker and decoded by a name server in this JVM
            dev.halfmoon.remoting.Json.decode(dev.halfmoon.remoting.Json.encode(new dev.halfmoon.remoting.body.RegisterBrokerBody(
                    new dev.halfmoon.remoting.body.TopicConfigWrapper(java.util.Map.of(),
                            new dev.halfmoon.remoting.body.DataVersion(0, 0)), java.util.List.of())),
                    dev.halfmoon.remoting.body.RegisterBrokerBody.class);
            try {
                Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry");
            } catch (ClassNotFoundException e) {
                // not needed
            }
        }, "halfmoon-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Blocks until the JVM is asked to stop, then closes {@code resources} in order. */
    static void awaitTermination(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            stopped.countDown();
        }, "halfmoon-shutdown"));
        stopped.await();
    }
}
