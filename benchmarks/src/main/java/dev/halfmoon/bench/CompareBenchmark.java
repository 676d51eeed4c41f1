package dev.halfmoon.bench;

import dev.halfmoon.remoting.Durations;
import dev.halfmoon.remoting.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Halfmoon and Apache RocketMQ 5.2.0 side by side on this machine, one after the other with the
 * same settings and the same load through the official 4.9.8 client (this JVM): transactions
 * ({@link TransactionLoad}) and plain messaging ({@link MessagingLoad}), per flush mode. Prints a
 * table per mode with the ratio Halfmoon / RocketMQ and writes them as JSON.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Halfmoon against Apache RocketMQ " + RocketMqServer.VERSION + " on this machine: transactions "
                + "(90%% commit / 5%% rollback / 5%% unknown) and plain messaging through the official 4.9.8 client, "
                + "per flush mode; tables with ratios, and JSON.")
public final class CompareBenchmark implements Callable<Integer> {
    @Option(names = "--transactions", defaultValue = "20000", description = "Transactions per broker and mode (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--messages", defaultValue = "20000", description = "Plain messages per broker and mode (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--warmup", defaultValue = "60000",
            description = "Transactions and plain messages run against each broker before measuring, so both are "
                    + "measured warm, as they run in production, and not while their JIT compilers still take half the "
                    + "CPU (default ${DEFAULT-VALUE}, about what both need to settle here; 0 measures from a cold start).")
    int warmup;

    @Option(names = "--threads", description = "Also print where each broker's CPU went during the measured "
            + "transactions, by thread (Linux names, truncated to 15 characters); for profiling.")
    boolean threads;

    @Option(names = "--pin", description = "Run the client (this JVM) on CPU 0 and each broker on the other CPUs "
            + "(Linux taskset), so that the brokers do not share cores with the load they are measured under. The "
            + "brokers start on CPU 0 (they inherit this JVM's mask) and are moved once routable, so start times "
            + "then are for one core.")
    boolean pin;

    @Mixin
    LoadOptions load = new LoadOptions();


    @Option(names = "--brokers", split = ",", defaultValue = "rocketmq,halfmoon",
            description = "Which brokers to run (default ${DEFAULT-VALUE}); one alone is useful when profiling.")
    List<String> brokers;

    @Option(names = "--json", defaultValue = "compare-result.json", description = "Where to write the results (default ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--time-limit", defaultValue = "60m", description = "Stop everything after this long (default ${DEFAULT-VALUE}).")
    String timeLimit;

    private static final long TX_TIMEOUT_MS = 3000;
    private int cpus;
    private final List<ServerUnderTest> running = new CopyOnWriteArrayList<>();

    /** One broker's figures in one mode. */
    record Result(String broker, String mode, TxReport transactions, MsgReport messaging, long rssMib, long startMs,
                  double txCpuMsPer1000, double clientCpuMsPer1000) {
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        long limitMs = Durations.parseMs(timeLimit);
        cpus = Runtime.getRuntime().availableProcessors();
        if (pin && cpus < 2) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--pin needs at least 2 CPUs");
        }
        if (pin) {
            pin(ProcessHandle.current().pid(), "0");
            System.out.printf("pinned: the client to CPU 0, brokers to CPUs 1-%d%n", cpus - 1);
        }
        Thread cleanup = new Thread(this::stopAll, "compare-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Thread watchdog = watchdog(limitMs);
        startEachOnce();
        List<Result> results = new ArrayList<>();
        for (String mode : load.modes) {
            for (String which : brokers) {
                results.add(run(which.trim().toLowerCase(), mode));
            }
            print(mode, results.stream().filter(r -> r.mode().equals(mode)).toList(), warmup);
        }
        watchdog.interrupt();
        Files.writeString(json, new String(Json.encode(Map.of("machine", machine(), "transactions", transactions,
                "messages", messages, "warmup", warmup, "producers", load.producers, "bodyBytes", load.size, "results", results)),
                java.nio.charset.StandardCharsets.UTF_8));
        System.out.println("results written to " + json.toAbsolutePath());
        Runtime.getRuntime().removeShutdownHook(cleanup);
        return 0;
    }

    /** Exits with 3 after {@code limitMs} unless interrupted first; the shutdown hook stops the brokers. */
    private Thread watchdog(long limitMs) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limitMs);
                System.out.printf("%ntime limit of %s reached; stopping every broker and exiting%n", timeLimit);
                System.exit(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        }, "compare-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /**
     * Starts each broker once, unmeasured: its jars into the page cache, and for Halfmoon the
     * class-data archive its script makes on a first start. Before a cold run the client (this
     * JVM) is warmed against the first, so the first broker measured does not pay for its JIT.
     */
    private void startEachOnce() throws Exception {
        boolean clientWarm = false;
        for (String which : brokers) {
            System.out.printf("starting %s once, not measured (its jars into the page cache, and for Halfmoon the "
                    + "class-data archive its script makes on a first start)%n", which);
            try (ServerUnderTest s = start(which.trim().toLowerCase(), load.modes.get(0))) {
                if (warmup == 0 && !clientWarm) {
                    System.out.printf("warming up the client (this JVM) against %s, not measured, so that every broker "
                            + "measured cold meets a warm client%n", s.name());
                    new TransactionLoad(s.namesrv(), s.broker(), 20_000, load.producers, load.size, TX_TIMEOUT_MS)
                            .run("client warm-up tx", 0, 0);
                    new MessagingLoad(s.namesrv(), s.broker(), 20_000, load.producers, load.size).run("client warm-up msg");
                    clientWarm = true;
                }
            }
        }
    }

    private Result run(String which, String mode) throws Exception {
        System.out.printf("%n[%s] starting %s%n", mode, which);
        ServerUnderTest s = start(which, mode);
        try {
            if (pin) {
                for (long pid : s.pids()) {
                    pin(pid, "1-" + (cpus - 1));
                }
            }
            System.out.printf("[%s] %s routable %d ms after launch; %d transactions%n", mode, s.name(), s.startToRoutableMs(),
                    transactions);
            String label = mode + " " + s.name();
            if (warmup > 0) {
                // messages first: the measured transactions then follow transactions, not a phase of plain
                // messages whose profile the JIT would first recompile away (broker compilers 98 -> 70 µs per
                // measured transaction in one SYNC_FLUSH run each)
                System.out.printf("[%s] warming up %s: %d messages and %d transactions, not measured%n", mode, s.name(),
                        warmup, warmup);
                new MessagingLoad(s.namesrv(), s.broker(), warmup, load.producers, load.size).run(label + " warm-up msg");
                new TransactionLoad(s.namesrv(), s.broker(), warmup, load.producers, load.size, TX_TIMEOUT_MS)
                        .run(label + " warm-up tx", 0, 0);
            }
            long cpuBefore = Rss.cpuMs(s.brokerPid());
            long clientCpuBefore = Rss.cpuMs(ProcessHandle.current().pid());
            ThreadCpu brokerThreads = threads ? ThreadCpu.follow(s.brokerPid()) : null;
            ThreadCpu clientThreads = threads ? ThreadCpu.follow(ProcessHandle.current().pid()) : null;
            TxReport tx = new TransactionLoad(s.namesrv(), s.broker(), transactions, load.producers, load.size, TX_TIMEOUT_MS)
                    .run(label + " tx", 0, s.startToRoutableMs());
            double cpuPer1000 = (Rss.cpuMs(s.brokerPid()) - cpuBefore) * 1000.0 / transactions;
            double clientCpuPer1000 = (Rss.cpuMs(ProcessHandle.current().pid()) - clientCpuBefore) * 1000.0 / transactions;
            if (threads) {
                printThreads(label + " broker", brokerThreads.stop());
                printThreads(label + " client", clientThreads.stop());
            }
            System.out.printf("[%s] %d plain messages%n", mode, messages);
            MsgReport msg = new MessagingLoad(s.namesrv(), s.broker(), messages, load.producers, load.size).run(label + " msg");
            return new Result(s.name(), mode, tx, msg, Rss.mib(s.brokerPid()), s.startToRoutableMs(), cpuPer1000,
                    clientCpuPer1000);
        } finally {
            s.close();
        }
    }

    /** Every thread of {@code pid}, present and future (threads inherit it), onto {@code cpus}. */
    private static void pin(long pid, String cpus) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("taskset could not pin " + pid + " to CPUs " + cpus + ": " + out);
        }
    }

    private void printThreads(String label, Map<String, Long> used) {
        System.out.printf("[%s] CPU by thread during the measured transactions, ms per 1000 tx:%n", label);
        used.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15)
                .forEach(e -> System.out.printf("  %8.1f  %s%n", e.getValue() * 1000.0 / transactions, e.getKey()));
    }

    private ServerUnderTest start(String which, String mode) throws Exception {
        ServerUnderTest s = switch (which) {
            case "rocketmq" -> RocketMqServer.start(mode, TX_TIMEOUT_MS);
            case "halfmoon" -> HalfmoonServer.start(mode, TX_TIMEOUT_MS);
            default -> throw new IllegalArgumentException("--brokers takes rocketmq and/or halfmoon, not " + which);
        };
        running.add(s);
        return s;
    }

    private void stopAll() {
        for (ServerUnderTest s : running) {
            s.close();
        }
        ServerUnderTest.leaveNothing(); // (a broker still starting is not in running yet)
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }

    /** One table: a row per figure, a column per broker, and Halfmoon / RocketMQ when both ran. */
    static void print(String mode, List<Result> rows, int warmup) {
        System.out.printf("%n== %s ==%n", mode);
        Result r = rows.stream().filter(x -> x.broker().startsWith("RocketMQ")).findFirst().orElse(null);
        Result h = rows.stream().filter(x -> x.broker().equals("Halfmoon")).findFirst().orElse(null);
        System.out.printf("%-28s %14s %14s %10s%n", "", r == null ? "" : r.broker(), h == null ? "" : h.broker(),
                r != null && h != null ? "ratio" : "");
        line("transactions/s", r, h, x -> x.transactions().perSecond());
        line("tx/s to last delivery", r, h, x -> x.transactions().completedPerSecond());
        line("tx end-to-end p50 ms", r, h, x -> x.transactions().e2eP50Ms());
        line("tx end-to-end p99 ms", r, h, x -> x.transactions().e2eP99Ms());
        line("tx end-to-end max ms", r, h, x -> x.transactions().e2eMaxMs());
        line("first check-back p50 ms", r, h, x -> x.transactions().checkP50Ms());
        line("first check-back p99 ms", r, h, x -> x.transactions().checkP99Ms());
        line("missing", r, h, x -> x.transactions().missing());
        line("rolled-back seen", r, h, x -> x.transactions().rolledBackSeen());
        line("duplicates", r, h, x -> x.transactions().duplicates());
        line("broker CPU ms / 1000 tx", r, h, Result::txCpuMsPer1000);
        line("client CPU ms / 1000 tx", r, h, Result::clientCpuMsPer1000);
        line("tx messages per delivery", r, h, x -> x.transactions().msgsPerDelivery());
        line("messages/s (sync send)", r, h, x -> x.messaging().perSecond());
        line("msg end-to-end p50 ms", r, h, x -> x.messaging().e2eP50Ms());
        line("msg end-to-end p99 ms", r, h, x -> x.messaging().e2eP99Ms());
        line("msg end-to-end max ms", r, h, x -> x.messaging().e2eMaxMs());
        line("messages received", r, h, x -> x.messaging().received());
        line("broker RSS MiB", r, h, x -> x.rssMib());
        line("start to routable ms", r, h, x -> x.startMs());
        System.out.println("(check-back delay is after the transaction's 3 s deadline; ratio = Halfmoon / RocketMQ; "
                + (warmup > 0 ? "measured after " + warmup + " warm-up transactions and messages)" : "measured from a cold start)"));
    }

    private static void line(String label, Result r, Result h, java.util.function.ToDoubleFunction<Result> f) {
        String a = r == null ? "" : format(f.applyAsDouble(r));
        String b = h == null ? "" : format(f.applyAsDouble(h));
        String ratio = r != null && h != null && f.applyAsDouble(r) != 0
                ? String.format("%.2fx", f.applyAsDouble(h) / f.applyAsDouble(r)) : "";
        System.out.printf("%-28s %14s %14s %10s%n", label, a, b, ratio);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.format("%,.0f", v) : String.format("%,.2f", v);
    }
}
