package dev.halfmoon.log;

import dev.halfmoon.log.meta.MetadataStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-process main for crash tests: appends from several threads to a SYNC store in the given
 * directory and prints {@code ACK <commitLogOffset> <queueId> <queueOffset> <body>} for every
 * acknowledged append, until it is killed. Each record's body is also its key.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        StoreConfig config = StoreConfig.defaults(dir)
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(256 * 1024)
                        .withFlushMode(FlushMode.SYNC_FLUSH))
                .withConsumeQueue(new ConsumeQueueConfig(1024, true));
        // checkpoints every 10 ms, so that kills land between a checkpoint and the index batch it must not skip
        config = new StoreConfig(config.rootDir(), config.commitLog(), config.consumeQueue(), config.retention(), 10);
        MetadataStore metadata = MetadataStore.open(config.metadataDir());
        LogStore store = LogStore.open(config, metadata, StoreHooks.defaults()).start(List.of());
        PrintStream out = System.out;
        out.println("READY " + store.writtenOffset());
        out.flush();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (long i = 0; i < 1_000_000; i++) {
                    String body = "w" + thread + "-" + i + "-" + args[1];
                    List<java.nio.ByteBuffer> batch = i % 5 == 0
                            ? List.of(TestRecords.record("crash", thread, body + "a", null, body + "a"),
                                    TestRecords.record("crash", thread, body + "b", null, body + "b"))
                            : List.of(TestRecords.record("crash", thread, body, null, body));
                    AppendResult r = store.append(batch).join();
                    if (!r.ok()) {
                        return;
                    }
                    synchronized (out) {
                        for (AppendedRecord a : r.records()) {
                            out.println("ACK " + a.commitLogOffset() + " " + thread + " " + a.queueOffset());
                        }
                        out.flush();
                    }
                }
            });
            writer.setDaemon(true);
            writer.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
