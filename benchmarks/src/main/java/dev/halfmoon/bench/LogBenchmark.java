package dev.halfmoon.bench;

import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.FlushMode;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Store benchmarks for core-log, each compared with a baseline measured in the same run:
 * ASYNC append throughput against the raw sequential write bandwidth of the same disk, SYNC group
 * commit with 64 writers against one writer, and restart time after a {@code kill -9}.
 */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = "Benchmarks the commit log against the raw disk, group commit against one writer, "
                + "and restart after kill -9. Prints a table of figures and ratios.")
public final class LogBenchmark implements Callable<Integer> {
    @Option(names = "--dir", description = "Directory for the stores (default: a new temp dir, deleted at the end).")
    Path dir;

    @Option(names = "--bytes", defaultValue = "536870912", description = "Bytes written per throughput run (default ${DEFAULT-VALUE}).")
    long bytes;

    @Option(names = "--record-bytes", defaultValue = "1024", description = "Size of each record (default ${DEFAULT-VALUE}).")
    int recordBytes;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved raw/ASYNC rounds; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--sync-seconds", defaultValue = "3", description = "Duration of each SYNC run (default ${DEFAULT-VALUE}).")
    int syncSeconds;

    @Option(names = "--restart-bytes", defaultValue = "1073741824", description = "Commit log size for the restart run (default ${DEFAULT-VALUE}).")
    long restartBytes;

    @Option(names = "--roll-rate", defaultValue = "50000", description = "Records/s written in the roll run (default ${DEFAULT-VALUE}).")
    long rollRate;

    @Option(names = "--skip", split = ",", description = "Parts to skip: async, sync, roll, restart.")
    List<String> skip = new ArrayList<>();

    private static final int ROLLS = 40;

    private final List<String[]> rows = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean temp = dir == null;
        Path root = temp ? Files.createTempDirectory("halfmoon-bench") : Files.createDirectories(dir);
        System.out.printf("log benchmark in %s: %d-byte records, %,d bytes per throughput run, %d cores%n",
                root, recordBytes, bytes, Runtime.getRuntime().availableProcessors());
        try {
            if (!skip.contains("async")) {
                asyncRuns(root);
            }
            if (!skip.contains("sync")) {
                syncRuns(root);
            }
            if (!skip.contains("roll")) {
                rollRuns(root.resolve("roll"));
            }
            if (!skip.contains("restart")) {
                restartRuns(root);
            }
        } finally {
            if (temp) {
                deleteTree(root);
            }
        }
        System.out.println();
        System.out.printf("%-36s %18s %14s%n", "run", "result", "ratio");
        for (String[] row : rows) {
            System.out.printf("%-36s %18s %14s%n", row[0], row[1], row[2]);
        }
        return 0;
    }

    /** Interleaves raw and ASYNC runs {@code rounds} times so that disk noise hits both; reports medians. */
    private void asyncRuns(Path root) throws Exception {
        List<Double> raw = new ArrayList<>();
        List<Double> one = new ArrayList<>();
        List<Double> eight = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("  round %d of %d%n", round, rounds);
            raw.add(rawBandwidth(root.resolve("raw")));
            one.add(appendBandwidth(root.resolve("async-1"), 1));
            eight.add(appendBandwidth(root.resolve("async-8"), 8));
        }
        double rawMedian = median(raw);
        rows.add(new String[] {"raw write+fsync (median)", mbps(rawMedian), "1.00 (baseline)"});
        rows.add(new String[] {"ASYNC append, 1 writer (median)", mbps(median(one)),
                String.format("%.2f of raw", median(one) / rawMedian)});
        rows.add(new String[] {"ASYNC append, 8 writers (median)", mbps(median(eight)),
                String.format("%.2f of raw", median(eight) / rawMedian)});
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void syncRuns(Path root) throws Exception {
        double one = 0;
        for (int writers : new int[] {1, 8, 64}) {
            double rate = syncAppendRate(root.resolve("sync-" + writers), writers);
            if (writers == 1) {
                one = rate;
            }
            rows.add(new String[] {"SYNC append, " + writers + " writer(s)", String.format("%,.0f rec/s", rate),
                    String.format("%.1fx one writer", rate / one)});
        }
    }

    /**
     * How long the append that rolls to a new segment takes against an ordinary append, one writer
     * paced at {@code --roll-rate} records/s (a busy broker's rate, not a firehose that outruns the
     * allocator), 8 MiB segments so that a run sees {@value #ROLLS} rolls.
     */
    private void rollRuns(Path storeDir) throws Exception {
        int segment = 8 << 20;
        ByteBuffer record = oneRecord();
        List<Long> rolling = new ArrayList<>();
        List<Long> ordinary = new ArrayList<>();
        long limit = (long) (ROLLS + 1) * segment / record.remaining();
        Progress progress = new Progress("roll", ROLLS, "rolls");
        StoreConfig config = StoreConfig.defaults(storeDir).withCommitLog(CommitLogConfig.defaults()
                .withFlushMode(FlushMode.ASYNC_FLUSH).withSegmentSizeBytes(segment));
        try (MetadataStore meta = MetadataStore.open(storeDir.resolve("metadata"));
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            long begin = System.nanoTime();
            for (long i = 0; i < limit && rolling.size() < ROLLS; i++) {
                if (i % 32 == 0) {
                    LockSupport.parkNanos(begin + i * 1_000_000_000L / rollRate - System.nanoTime());
                }
                long before = store.writtenOffset();
                long start = System.nanoTime();
                check(store.append(record.duplicate()).join());
                long took = System.nanoTime() - start;
                if (store.writtenOffset() / segment != before / segment) {
                    rolling.add(took);
                    progress.update(rolling.size());
                } else {
                    ordinary.add(took);
                }
            }
        }
        deleteTree(storeDir);
        double roll = median(rolling.stream().map(Long::doubleValue).toList()) / 1000;
        double append = median(ordinary.stream().map(Long::doubleValue).toList()) / 1000;
        rows.add(new String[] {"ASYNC append, 1 writer (median)", String.format("%.1f us", append), "1.00 (baseline)"});
        rows.add(new String[] {"append that rolls a segment (median)", String.format("%.1f us", roll),
                String.format("%.1fx an append", roll / append)});
    }

    private void restartRuns(Path root) throws Exception {
        Path storeDir = root.resolve("restart");
        writeAndKill(storeDir);
        double seconds = timeOpen(storeDir);
        rows.add(new String[] {String.format("restart after kill -9 (%,d MiB)", restartBytes >> 20),
                String.format("%.3f s", seconds), "goal < 2 s"});
        forgetCheckpoint(storeDir);
        double full = timeOpen(storeDir);
        rows.add(new String[] {"restart, no checkpoint (verify all)", String.format("%.3f s", full),
                "worst case"});
        deleteTree(storeDir);
    }

    private ByteBuffer oneRecord() {
        InetSocketAddress host = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);
        String topic = "bench";
        int bodyBytes = recordBytes - 91 - topic.length();
        return RecordEncoder.encode(new RecordDraft(topic, 0, 0, 0, System.currentTimeMillis(), host, host, 0, 0,
                ByteBuffer.wrap(new byte[bodyBytes]), ""));
    }

    private double rawBandwidth(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        Progress progress = new Progress("raw", bytes, "bytes");
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long written = 0;
            while (written < bytes) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - written));
                written += ch.write(chunk, written);
                progress.update(written);
            }
            ch.force(false);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(file);
        return bytes / seconds;
    }

    private StoreConfig config(Path storeDir, FlushMode mode) {
        return StoreConfig.defaults(storeDir).withCommitLog(CommitLogConfig.defaults().withFlushMode(mode));
    }

    private double appendBandwidth(Path storeDir, int writers) throws Exception {
        ByteBuffer record = oneRecord();
        long perWriter = bytes / record.remaining() / writers;
        Progress progress = new Progress("ASYNC x" + writers, perWriter * writers * record.remaining(), "bytes");
        AtomicLong done = new AtomicLong();
        try (MetadataStore meta = MetadataStore.open(storeDir.resolve("metadata"));
             LogStore store = LogStore.open(config(storeDir, FlushMode.ASYNC_FLUSH), meta, StoreHooks.defaults())
                     .start(List.of())) {
            long start = System.nanoTime();
            runWriters(writers, () -> {
                for (long i = 0; i < perWriter; i++) {
                    check(store.append(record.duplicate()).join());
                    progress.update(done.addAndGet(record.remaining()));
                }
            });
            long target = store.writtenOffset();
            store.requestFlush();
            while (store.flushedOffset() < target) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return perWriter * writers * record.remaining() / seconds;
        } finally {
            deleteTree(storeDir);
        }
    }

    private double syncAppendRate(Path storeDir, int writers) throws Exception {
        ByteBuffer record = oneRecord();
        AtomicLong count = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(syncSeconds);
        try (MetadataStore meta = MetadataStore.open(storeDir.resolve("metadata"));
             LogStore store = LogStore.open(config(storeDir, FlushMode.SYNC_FLUSH), meta, StoreHooks.defaults())
                     .start(List.of())) {
            long start = System.nanoTime();
            runWriters(writers, () -> {
                while (System.nanoTime() < deadline) {
                    check(store.append(record.duplicate()).join());
                    count.incrementAndGet();
                }
            });
            return count.get() / ((System.nanoTime() - start) / 1e9);
        } finally {
            deleteTree(storeDir);
        }
    }

    private static void check(AppendResult result) {
        if (!result.ok()) {
            throw new IllegalStateException("append failed: " + result.status().description());
        }
    }

    private static void runWriters(int writers, Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(body, "writer-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void writeAndKill(Path storeDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RestartWriter.class.getName(), storeDir.toString(), Long.toString(restartBytes),
                Integer.toString(recordBytes)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Progress progress = new Progress("restart: fill", restartBytes, "bytes");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("DONE")) {
                if (line.startsWith("AT ")) {
                    progress.update(Long.parseLong(line.substring(3)));
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void forgetCheckpoint(Path storeDir) {
        try (MetadataStore meta = MetadataStore.open(storeDir.resolve("metadata"))) {
            var table = meta.table(MetadataTable.CHECKPOINTS, Codec.STRING, Codec.BYTES);
            table.forEach((key, value) -> table.delete(key));
        }
    }

    private static double timeOpen(Path storeDir) {
        long start = System.nanoTime();
        StoreConfig config = StoreConfig.defaults(storeDir);
        try (MetadataStore meta = MetadataStore.open(config.metadataDir());
             LogStore store = LogStore.open(config, meta, StoreHooks.defaults()).start(List.of())) {
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  [restart] recovered %,d bytes of commit log in %.3f s%n", store.writtenOffset(), seconds);
            return seconds;
        }
    }

    /** Child process of the restart run: fills a store under ASYNC flush, says DONE, waits to be killed. */
    public static final class RestartWriter {
        private RestartWriter() {
        }

        public static void main(String[] args) throws Exception {
            Path storeDir = Path.of(args[0]);
            long target = Long.parseLong(args[1]);
            LogBenchmark bench = new LogBenchmark();
            bench.recordBytes = Integer.parseInt(args[2]);
            ByteBuffer record = bench.oneRecord();
            MetadataStore meta = MetadataStore.open(storeDir.resolve("metadata"));
            LogStore store = LogStore.open(StoreConfig.defaults(storeDir), meta, StoreHooks.defaults()).start(List.of());
            long i = 0;
            while (store.writtenOffset() < target) {
                check(store.append(record.duplicate()).join());
                if (++i % 100_000 == 0) {
                    System.out.println("AT " + store.writtenOffset());
                }
            }
            System.out.println("DONE");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static String mbps(double bytesPerSecond) {
        return String.format("%,.0f MiB/s", bytesPerSecond / (1 << 20));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes {@code root} if it can; says so on stderr if it cannot (a benchmark must not fail on clean-up). */
    public static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
