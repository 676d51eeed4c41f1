package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.NamesrvClientConfig;
import dev.halfmoon.broker.config.SecurityConfig;
import dev.halfmoon.namesrv.NameServer;
import dev.halfmoon.namesrv.NamesrvConfig;
import dev.halfmoon.namesrv.StartupCommand;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** {@code bin/halfmoon-standalone}: a name server and a broker in one process. */
public final class StandaloneMain {
    private static final StartupCommand COMMAND = StartupOptions.declare(new StartupCommand("halfmoon-standalone",
            "Runs a Halfmoon name server and broker in one process; clients use the name server address it prints.", "")
            .value(null, "namesrv-port", "PORT", "Name server port (default 9876; 0 picks one)."));

    private int namesrvPort = 9876;
    private final StartupOptions options = new StartupOptions();

    public static void main(String[] args) throws Exception {
        BrokerMain.warmUpInBackground();
        StandaloneMain main = new StandaloneMain();
        COMMAND.execute(args, line -> {
            main.namesrvPort = StartupCommand.intValue(line, "namesrv-port", main.namesrvPort);
            main.options.bind(line);
        }, main::run);
    }

    private int run() throws InterruptedException {
        if (options.helpSettings) {
            StartupOptions.printSettings();
            return 0;
        }
        BrokerConfig config;
        try {
            config = options.load(Map.of());
        } catch (ConfigException e) {
            System.err.println("halfmoon-standalone: " + e.getMessage());
            return 2;
        }
        Standalone standalone = BrokerMain.startOrSay("halfmoon-standalone", () -> Standalone.start(config, namesrvPort,
                Clock.systemUTC(), address -> System.out.println("Halfmoon name server listening on " + address)));
        if (standalone == null) {
            return 1;
        }
        System.out.println("Halfmoon broker listening on " + standalone.broker().address());
        standalone.broker().httpAddress().ifPresent(http -> System.out.println("Halfmoon console and /metrics at " + http));
        StartupCommand.served();
        BrokerMain.awaitTermination(standalone);
        return 0;
    }

    /** A name server and a broker registered with it, started and stopped together. */
    public record Standalone(NameServer nameServer, Broker broker, String namesrvAddress) implements AutoCloseable {
        /** Starts the name server on {@code namesrvPort} (same bind address as the broker), then the broker. */
        public static Standalone start(BrokerConfig config, int namesrvPort, Clock clock) {
            return start(config, namesrvPort, clock, address -> { });
        }

        /** As {@link #start(BrokerConfig, int, Clock)}, telling {@code namesrvListening} the name server's address once it listens. */
        public static Standalone start(BrokerConfig config, int namesrvPort, Clock clock,
                                       java.util.function.Consumer<String> namesrvListening) {
            SecurityConfig security = config.security();
            if (security.tlsToNamesrv() && security.tls().clientAuth() == io.netty.handler.ssl.ClientAuth.REQUIRE
                    && security.namesrvCertificate() == null) {
                throw new ConfigException("tls.server.need.client.auth=require also applies to this standalone's name "
                        + "server: the broker registers with it over TLS and needs a certificate of its own "
                        + "(tls.client.certPath and tls.client.keyPath)");
            }
            NameServer ns;
            try { // the KV config (mqadmin updateKvConfig) lives with the data
                ns = new NameServer(NamesrvConfig.defaults(config.network().bindAddress(), namesrvPort).withKvConfigPath(
                        config.store().rootDir().resolve("namesrv").resolve("kvConfig.json")), clock).tls(config.security().tls());
            } catch (IllegalStateException e) {
                throw new ConfigException(e.getMessage());
            }
            int bound = ns.start().getPort();
            String address = config.identity().advertisedHost() + ":" + bound;
            namesrvListening.accept(address);
            try {
                List<String> all = new java.util.ArrayList<>(config.namesrv().addresses());
                all.add(0, address);
                Broker broker = Broker.start(config.withNamesrv(new NamesrvClientConfig(all,
                        config.namesrv().registerPeriodMs())), clock);
                return new Standalone(ns, broker, address);
            } catch (RuntimeException e) {
                ns.close();
                throw e;
            }
        }

        @Override
        public void close() {
            broker.close();
            nameServer.close();
        }
    }
}
