package dev.halfmoon.bench;

import dev.halfmoon.checkback.CheckBackService;
import dev.halfmoon.checkback.CheckPolicy;
import dev.halfmoon.checkback.CheckTransport;
import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.txn.PendingQuery;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TxnTopics;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does the cost of pending transactions stay flat as the log grows? With N pending transactions
 * (none due), measures the CPU time and allocation of one check-back tick, and the time to reopen
 * the store and rebuild the pending index, after 1, 2 and 4 GiB of unrelated messages.
 */
@Command(name = "pending-scale", mixinStandardHelpOptions = true,
        description = "Check-back tick cost and restart time with many pending transactions, as the log grows.")
public final class PendingScaleBenchmark implements Callable<Integer> {
    private static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);

    @Option(names = "--pending", defaultValue = "100000", description = "Pending transactions (default ${DEFAULT-VALUE}).")
    int pending;

    @Option(names = "--steps-gib", split = ",", defaultValue = "1,2,4", description = "Log sizes to measure at, GiB.")
    List<Integer> stepsGib;

    @Option(names = "--dir", description = "Directory for the store (default: a temp dir, deleted at the end).")
    Path dir;

    private final List<String[]> rows = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        boolean temp = dir == null;
        Path root = temp ? Files.createTempDirectory("halfmoon-bench-pending") : dir;
        try {
            StoreConfig config = StoreConfig.defaults(root).withCommitLog(CommitLogConfig.defaults());
            long[] logBytes = {0};
            withStore(config, (store, coordinator) -> {
                Progress progress = new Progress("prepare", pending, "tx");
                List<CompletableFuture<?>> futures = new ArrayList<>();
                for (int i = 0; i < pending; i++) {
                    futures.add(coordinator.prepare(half(i)));
                    if (futures.size() == 1000) {
                        futures.forEach(CompletableFuture::join);
                        futures.clear();
                        progress.update(i);
                    }
                }
                futures.forEach(CompletableFuture::join);
                logBytes[0] = store.writtenOffset();
            });
            for (int gib : stepsGib) {
                long target = (long) gib << 30;
                withStore(config, (store, coordinator) -> fill(store, target));
                measure(config, gib);
            }
        } finally {
            if (temp) {
                LogBenchmark.deleteTree(root);
            }
        }
        System.out.printf("%n%-10s %12s %16s %16s %14s %14s %12s %14s%n", "log", "pending", "tick cpu µs", "tick alloc KiB",
                "reopen ms", "heap B/pending", "page ms", "sort-all ms");
        for (String[] r : rows) {
            System.out.printf("%-10s %12s %16s %16s %14s %14s %12s %14s%n", (Object[]) r);
        }
        return 0;
    }

    interface StoreWork {
        void run(LogStore store, TransactionCoordinator coordinator) throws Exception;
    }

    private void withStore(StoreConfig config, StoreWork work) throws Exception {
        try (MetadataStore meta = MetadataStore.open(config.metadataDir())) {
            LogStore store = LogStore.open(config, meta, StoreHooks.defaults()
                    .withDispatchFilter(r -> !TxnTopics.isHidden(r.topic())));
            TransactionCoordinator coordinator = TransactionCoordinator.open(store, meta, Clock.systemUTC(), HOST, 3_600_000);
            store.start(List.of());
            try {
                work.run(store, coordinator);
            } finally {
                coordinator.checkpoint();
                store.close();
            }
        }
    }

    private void fill(LogStore store, long target) {
        ByteBuffer record = RecordEncoder.encode(new RecordDraft("unrelated", 0, 0, 0, System.currentTimeMillis(), HOST,
                HOST, 0, 0, ByteBuffer.wrap(new byte[900]), ""));
        Progress progress = new Progress("fill to " + (target >> 30) + " GiB", target, "bytes");
        CompletableFuture<?> last = null;
        while (store.writtenOffset() < target) {
            last = store.append(record.duplicate());
            progress.update(store.writtenOffset());
        }
        if (last != null) {
            last.join();
        }
    }

    private void measure(StoreConfig config, int gib) throws Exception {
        long heapBefore = usedHeapAfterGc();
        long begin = System.nanoTime();
        try (MetadataStore meta = MetadataStore.open(config.metadataDir())) {
            LogStore store = LogStore.open(config, meta, StoreHooks.defaults()
                    .withDispatchFilter(r -> !TxnTopics.isHidden(r.topic())));
            TransactionCoordinator coordinator = TransactionCoordinator.open(store, meta, Clock.systemUTC(), HOST, 3_600_000);
            store.start(List.of());
            long reopenMs = (System.nanoTime() - begin) / 1_000_000;
            long heapPerPending = (usedHeapAfterGc() - heapBefore) / Math.max(1, coordinator.index().size());
            CheckTransport none = request -> CheckTransport.Delivery.notSent("benchmark");
            try (CheckBackService service = new CheckBackService(coordinator, none, new CheckPolicy(15, 60_000, 10, 5000),
                    Clock.systemUTC()).start()) {
                TimeUnit.MILLISECONDS.sleep(200);
                Thread loop = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("halfmoon-check-back")).findFirst().orElseThrow();
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long cpu0 = mx.getThreadCpuTime(loop.getId());
                long alloc0 = mx.getThreadAllocatedBytes(loop.getId());
                long t0 = System.nanoTime();
                TimeUnit.SECONDS.sleep(2);
                long ticks = Math.max(1, (System.nanoTime() - t0) / 10_000_000L);
                long cpu = (mx.getThreadCpuTime(loop.getId()) - cpu0) / ticks / 1000;
                long alloc = (mx.getThreadAllocatedBytes(loop.getId()) - alloc0) / ticks / 1024;
                rows.add(new String[] {gib + " GiB", String.format("%,d", coordinator.index().size()),
                        Long.toString(cpu), Long.toString(alloc), Long.toString(reopenMs), Long.toString(heapPerPending),
                        String.format("%.1f", consolePageMs(coordinator, false)), String.format("%.1f", consolePageMs(coordinator, true))});
            }
            coordinator.checkpoint();
            store.close();
        }
    }

    /** Heap in use after a full collection (the pending index's footprint is the difference around a reopen). */
    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Median time of the console's first page (the 500 oldest pending) over 7 calls; with {@code sortAll}, the same
     * page made the way it was before 2026-12-07 (copy every pending transaction, sort, cut), the baseline.
     */
    /** Keeps the pages' sizes alive, so the JIT cannot drop the work. */
    private static volatile long pageSink;

    private static double consolePageMs(TransactionCoordinator coordinator, boolean sortAll) {
        PendingQuery firstPage = new PendingQuery(null, null, 0, 0, 500);
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            int got = sortAll
                    ? coordinator.index().snapshot().stream().sorted(java.util.Comparator.comparingLong(
                            PendingTransaction::storeTimestamp).thenComparingLong(PendingTransaction::halfOffset)).limit(500)
                            .toList().size()
                    : coordinator.list(firstPage).transactions().size();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            pageSink += got;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static RecordDraft half(int i) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperty.TRANSACTION_PREPARED, "true");
        props.put(MessageProperty.PRODUCER_GROUP, "PG");
        props.put(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "TX" + i);
        return new RecordDraft("orders", i % 8, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(new byte[100]), MessageProperties.encode(props));
    }
}
