package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.TlsConfig;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** {@code bin/halfmoon-namesrv}: runs a name server until SIGTERM. */
public final class NamesrvMain {
    private static final StartupCommand COMMAND = new StartupCommand("halfmoon-namesrv",
            "Runs a Halfmoon name server: brokers register with it, clients ask it for routes.",
            "TLS as with RocketMQ, by system properties in HALFMOON_OPTS: -Dtls.server.mode=permissive|enforcing "
                    + "-Dtls.server.certPath=cert.pem -Dtls.server.keyPath=key.pem [-Dtls.server.keyPassword=...] "
                    + "[-Dtls.server.trustCertPath=ca.pem -Dtls.server.need.client.auth=none|optional|require]")
            .value(null, "port", "PORT", "Port to listen on (default 9876; 0 picks one).")
            .value(null, "bind", "ADDRESS", "Address to listen on (default 0.0.0.0).")
            .value(null, "kv-config", "FILE", "Where the KV config (mqadmin updateKvConfig) is kept "
                    + "(default ~/namesrv/kvConfig.json, as RocketMQ's kvConfigPath).");

    private int port = 9876;
    private String bind = "0.0.0.0";
    private java.nio.file.Path kvConfig = java.nio.file.Path.of(System.getProperty("user.home"), "namesrv", "kvConfig.json");

    public static void main(String[] args) throws Exception {
        NamesrvMain main = new NamesrvMain();
        COMMAND.execute(args, line -> {
            main.port = StartupCommand.intValue(line, "port", main.port);
            main.bind = line.getOptionValue("bind", main.bind);
            if (line.hasOption("kv-config")) {
                main.kvConfig = java.nio.file.Path.of(line.getOptionValue("kv-config"));
            }
        }, main::run);
    }

    private int run() throws InterruptedException {
        TlsConfig tls;
        try {
            tls = TlsConfig.parse(System::getProperty);
        } catch (IllegalArgumentException e) {
            System.err.println("halfmoon-namesrv: " + e.getMessage());
            return 2;
        }
        NameServer server;
        try {
            server = new NameServer(NamesrvConfig.defaults(bind, port).withKvConfigPath(kvConfig), Clock.systemUTC()).tls(tls);
        } catch (IllegalStateException e) {
            System.err.println("halfmoon-namesrv: " + e.getMessage());
            return 2;
        }
        server.start();
        System.out.println("Halfmoon name server listening on " + server.address());
        StartupCommand.served();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "halfmoon-shutdown"));
        stopped.await();
        return 0;
    }
}
