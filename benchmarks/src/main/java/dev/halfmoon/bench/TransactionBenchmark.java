package dev.halfmoon.bench;

import dev.halfmoon.testkit.HalfmoonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Transactions through the official client's TransactionMQProducer against a Halfmoon started per
 * flush mode: transactions per second, end-to-end latency, first check-back delay, and the
 * correctness counts that must be 0.
 */
@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = "Transactions/s, end-to-end latency and check-back delay through the official TransactionMQProducer, "
                + "90%% commit / 5%% rollback / 5%% unknown, for ASYNC_FLUSH and SYNC_FLUSH.")
public final class TransactionBenchmark implements Callable<Integer> {
    @Option(names = "--transactions", defaultValue = "20000", description = "Transactions per flush mode (default ${DEFAULT-VALUE}).")
    int transactions;

    @Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--timeout-ms", defaultValue = "3000", description = "transactionTimeOut of the broker (default ${DEFAULT-VALUE}).")
    long timeoutMs;


    @Option(names = "--namesrv", description = "Use this running broker (Halfmoon or RocketMQ) instead of starting one per flush mode.")
    String namesrv;

    @Option(names = "--broker", description = "Its broker address, to create the topic on (with --namesrv).")
    String broker;

    @Override
    public Integer call() throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        List<String[]> rows = new ArrayList<>();
        if (namesrv != null) {
            rows.add(row("as configured", new TransactionLoad(namesrv, broker, transactions, load.producers, load.size, timeoutMs)
                    .run("tx", 0, -1)));
            print(rows);
            return 0;
        }
        for (String mode : load.modes) {
            Path dir = Files.createTempDirectory("halfmoon-bench-tx");
            try (HalfmoonProcess p = HalfmoonProcess.start(dir, List.of("flushDiskType=" + mode,
                    "transactionTimeOut=" + timeoutMs, "transactionCheckInterval=5000"))) {
                TxReport r = new TransactionLoad(p.namesrv(), p.broker(), transactions, load.producers, load.size, timeoutMs)
                        .run(mode, p.pid(), p.startMillis());
                rows.add(row(mode, r));
            } finally {
                LogBenchmark.deleteTree(dir);
            }
        }
        print(rows);
        return 0;
    }

    static String[] row(String label, TxReport r) {
        return new String[] {label, String.format("%,.0f", r.perSecond()), String.format("%.2f", r.e2eP50Ms()),
                String.format("%.2f", r.e2eP99Ms()), String.format("%.1f", r.e2eMaxMs()), String.format("%.0f", r.checkP50Ms()),
                String.format("%.0f", r.checkP99Ms()), Long.toString(r.missing()), Long.toString(r.rolledBackSeen()),
                Long.toString(r.duplicates()), Long.toString(r.rssMib()), Long.toString(r.startMs())};
    }

    static void print(List<String[]> rows) {
        String format = "%-14s %9s %8s %8s %8s %9s %9s %8s %9s %6s %7s %8s%n";
        System.out.printf("%n" + format, "run", "tx/s", "e2e p50", "e2e p99", "e2e max", "check p50", "check p99",
                "missing", "rolledbk", "dups", "RSS MiB", "start ms");
        for (String[] r : rows) {
            System.out.printf(format, (Object[]) r);
        }
        System.out.println("(latencies in ms; check = first check-back after the transaction's deadline)");
    }
}
