package dev.halfmoon.namesrv;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/halfmoon-namesrv}: runs a name server until SIGTERM. */
@Command(name = "halfmoon-namesrv", mixinStandardHelpOptions = true,
        description = "Runs a Halfmoon name server: brokers register with it, clients ask it for routes.")
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
        NameServer server = new NameServer(NamesrvConfig.defaults(bind, port), Clock.systemUTC());
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
