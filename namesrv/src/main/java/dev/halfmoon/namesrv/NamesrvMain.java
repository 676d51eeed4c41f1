package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.TlsConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/halfmoon-namesrv}: runs a name server until SIGTERM. */
@Command(name = "halfmoon-namesrv", mixinStandardHelpOptions = true,
        description = "Runs a Halfmoon name server: brokers register with it, clients ask it for routes.",
        footer = "%nTLS as with RocketMQ, by system properties in HALFMOON_OPTS: -Dtls.server.mode=permissive|enforcing "
                + "-Dtls.server.certPath=cert.pem -Dtls.server.keyPath=key.pem [-Dtls.server.keyPassword=...] "
                + "[-Dtls.server.trustCertPath=ca.pem -Dtls.server.need.client.auth=none|optional|require]")
public final class NamesrvMain implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9876", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks one).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    public static void main(String[] args) {
        int code = new CommandLine(new NamesrvMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        TlsConfig tls;
        try {
            tls = TlsConfig.parse(System::getProperty);
        } catch (IllegalArgumentException e) {
            System.err.println("halfmoon-namesrv: " + e.getMessage());
            return 2;
        }
        NameServer server = new NameServer(NamesrvConfig.defaults(bind, port), Clock.systemUTC()).tls(tls);
        server.start();
        System.out.println("Halfmoon name server listening on " + server.address());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "halfmoon-shutdown"));
        stopped.await();
        return 0;
    }
}
