package dev.halfmoon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.message.RecordView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real {@code kill -9} of a process appending under SYNC flush, then recovery on the same directory. */
@Tag("slow")
@Timeout(120)
class CrashTest {
    @TempDir
    Path dir;

    private record Ack(long commitLogOffset, int queueId, long queueOffset) {
    }

    private List<Ack> runAndKill(int acksBeforeKill, String round) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), dir.toString(), round)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Ack> acks = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acks.size() < acksBeforeKill && (line = in.readLine()) != null) {
                String[] p = line.split(" ");
                if (p[0].equals("ACK")) {
                    acks.add(new Ack(Long.parseLong(p[1]), Integer.parseInt(p[2]), Long.parseLong(p[3])));
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(acks.size() >= acksBeforeKill, "child wrote only " + acks.size() + " acks");
        return acks;
    }

    @Test
    void everyAcknowledgedSyncAppendSurvivesKillNineAcrossRepeatedCrashes() throws Exception {
        List<Ack> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            all.addAll(runAndKill(2000, "r" + round));
        }
        StoreFixture fixture = new StoreFixture(dir, FlushMode.SYNC_FLUSH);
        fixture.config = fixture.config.withCommitLog(fixture.config.commitLog().withSegmentSizeBytes(256 * 1024))
                .withConsumeQueue(new ConsumeQueueConfig(1024, true));
        try (fixture) {
            LogStore store = fixture.open();
            Map<Integer, Long> maxQueueOffset = new HashMap<>();
            for (Ack ack : all) {
                RecordView record = RecordView.of(assertRecord(store, ack.commitLogOffset()));
                assertEquals(RecordView.Check.OK, record.check(true));
                assertEquals(ack.queueId(), record.queueId());
                assertEquals(ack.queueOffset(), record.queueOffset());
                maxQueueOffset.merge(ack.queueId(), ack.queueOffset(), Math::max);
            }
            for (int i = 0; i < all.size(); i += 7) { // the key index too: recovery replays what its batch held
                Ack ack = all.get(i);
                String key = java.nio.charset.StandardCharsets.UTF_8.decode(
                        RecordView.of(store.readRecord(ack.commitLogOffset())).body()).toString();
                List<java.nio.ByteBuffer> found = store.findByKey("crash", key, 0, Long.MAX_VALUE, 4);
                assertEquals(1, found.size(), "acknowledged record " + key + " at " + ack.commitLogOffset() + " is not indexed");
            }
            for (Map.Entry<Integer, Long> e : maxQueueOffset.entrySet()) {
                long max = store.maxQueueOffset("crash", e.getKey());
                assertTrue(max > e.getValue(), "queue " + e.getKey() + " ends at " + max);
                QueueReadResult r = store.readQueue("crash", e.getKey(), e.getValue(), 1, 1 << 20, null);
                assertEquals(ReadStatus.FOUND, r.status());
                assertEquals(e.getValue(), r.records().get(0).queueOffset());
            }
        }
    }

    private static java.nio.ByteBuffer assertRecord(LogStore store, long offset) {
        java.nio.ByteBuffer b = store.readRecord(offset);
        assertNotNull(b, "acknowledged record at " + offset + " is gone");
        return b;
    }
}
