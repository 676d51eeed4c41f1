package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.log.meta.MetadataException;
import dev.halfmoon.namesrv.StartupCommand;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** {@code bin/halfmoon-broker}: runs one broker until SIGTERM, then flushes and checkpoints. */
public final class BrokerMain {
    private static final StartupCommand COMMAND = StartupOptions.declare(new StartupCommand("halfmoon-broker",
            "Runs a Halfmoon broker registered with one or more name servers. Settings use RocketMQ's broker.conf keys.", "")
            .value(null, "namesrv", "HOST:PORT[;HOST:PORT]", "Name servers (namesrvAddr)."));

    private String namesrv;
    private final StartupOptions options = new StartupOptions();

    /**
     * {@code start}'s result; null, with one line on standard error, if the settings or the data directory refuse the
     * start (a clear reason, not a stack trace: that goes to the log at DEBUG).
     */
    static <T> T startOrSay(String command, Supplier<T> start) {
        try {
            return start.get();
        } catch (ConfigException | IllegalStateException | UncheckedIOException | MetadataException e) {
            LoggerFactory.getLogger(BrokerMain.class).debug("{} cannot start", command, e);
            System.err.println(command + ": cannot start: " + e.getMessage());
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        warmUpInBackground();
        BrokerMain main = new BrokerMain();
        COMMAND.execute(args, line -> {
            main.namesrv = line.getOptionValue("namesrv");
            main.options.bind(line);
        }, main::run);
    }

    private int run() throws InterruptedException {
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
        Broker broker = startOrSay("halfmoon-broker", () -> Broker.start(config, Clock.systemUTC()));
        if (broker == null) {
            return 1;
        }
        System.out.println("Halfmoon broker listening on " + broker.address() + ", registered with "
                + String.join(";", config.namesrv().addresses()));
        broker.httpAddress().ifPresent(http -> System.out.println("Halfmoon console and /metrics at " + http));
        StartupCommand.served();
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
        // two threads: logging alone takes about as long as everything else here, and each piece is needed by
        // the main thread soon after the command line is read (the store opens RocksDB within ~0.2 s)
        daemon("halfmoon-warm-up-log", org.slf4j.LoggerFactory::getILoggerFactory);
        daemon("halfmoon-warm-up", () -> {
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
        });
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
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
