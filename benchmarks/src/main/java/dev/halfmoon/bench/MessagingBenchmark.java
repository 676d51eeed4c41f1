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
 * Plain messaging through the official RocketMQ 4.9.8 client: N producer threads send 1 KiB
 * messages synchronously, one push consumer group receives them; prints send throughput and
 * end-to-end latency (send start to receipt) percentiles for each flush mode ({@link MessagingLoad}).
 */
@Command(name = "messaging", mixinStandardHelpOptions = true,
        description = "Send throughput and end-to-end latency through the official RocketMQ client, ASYNC_FLUSH and SYNC_FLUSH.")
public final class MessagingBenchmark implements Callable<Integer> {
    @Option(names = "--namesrv", description = "Use this running Halfmoon (or RocketMQ) instead of starting one per flush mode.")
    String namesrv;

    @Option(names = "--broker", description = "Broker address to create the topic on (with --namesrv); without it the topic "
            + MessagingLoad.EXISTING_TOPIC + " must exist.")
    String broker;

    @Option(names = "--messages", defaultValue = "50000", description = "Messages per flush mode (default ${DEFAULT-VALUE}).")
    int messages;

    @Mixin
    LoadOptions load = new LoadOptions();


    @Override
    public Integer call() throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        List<String[]> rows = new ArrayList<>();
        for (String mode : namesrv != null ? List.of("as configured") : load.modes) {
            Path dir = Files.createTempDirectory("halfmoon-bench-msg");
            try {
                if (namesrv != null) {
                    rows.add(run(mode, namesrv, broker));
                } else {
                    try (HalfmoonProcess p = HalfmoonProcess.start(dir, List.of("flushDiskType=" + mode))) {
                        rows.add(run(mode, p.namesrv(), p.broker()));
                    }
                }
            } finally {
                LogBenchmark.deleteTree(dir);
            }
        }
        System.out.printf("%n%-14s %12s %12s %12s %12s %10s%n", "flush", "send msg/s", "e2e p50 ms", "e2e p99 ms",
                "send p99 ms", "received");
        for (String[] r : rows) {
            System.out.printf("%-14s %12s %12s %12s %12s %10s%n", (Object[]) r);
        }
        return 0;
    }

    private String[] run(String mode, String ns, String brokerAddr) throws Exception {
        System.out.printf("[%s] %d messages of %d bytes from %d producers%n", mode, messages, load.size, load.producers);
        MsgReport r = new MessagingLoad(ns, brokerAddr, messages, load.producers, load.size).run(mode);
        return new String[] {mode, String.format("%,.0f", r.perSecond()), String.format("%.2f", r.e2eP50Ms()),
                String.format("%.2f", r.e2eP99Ms()), String.format("%.2f", r.sendP99Ms()),
                r.received() + (r.failed() > 0 ? " (" + r.failed() + " failed)" : "")};
    }
}
