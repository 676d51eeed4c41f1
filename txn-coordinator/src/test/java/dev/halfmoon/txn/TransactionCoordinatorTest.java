package dev.halfmoon.txn;

import static dev.halfmoon.txn.TxnFixture.message;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.FlushMode;
import dev.halfmoon.log.QueueReadResult;
import dev.halfmoon.log.RetentionConfig;
import dev.halfmoon.log.StoredRecord;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.SysFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TransactionCoordinatorTest {
    @TempDir
    Path dir;
    TxnFixture fx;

    @BeforeEach
    void open() {
        fx = new TxnFixture(dir).open();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private PrepareResult prepare(String topic, String body) {
        PrepareResult r = fx.coordinator.prepare(message(topic, 1, body, "PG")).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertTrue(r.ok());
        return r;
    }

    private EndResult end(PrepareResult half, Decision decision, Resolver by) {
        return end(half, decision, by, "PG");
    }

    private EndResult end(PrepareResult half, Decision decision, Resolver by, String group) {
        return fx.end(half, decision, by, group);
    }

    private List<RecordView> consumable(String topic) {
        await().until(() -> fx.store.dispatchedOffset() == fx.store.writtenOffset());
        QueueReadResult r = fx.store.readQueue(topic, 1, 0, 100, 1 << 20, null);
        List<RecordView> views = new ArrayList<>();
        for (StoredRecord s : r.records()) {
            views.add(RecordView.of(s.bytes()));
        }
        return views;
    }

    @Test
    void listingAndCountingPendingTransactionsNeverWaitOnTheIndexLock() throws Exception {
        prepare("orders", "o1");
        prepare("orders", "o2");
        PendingIndex index = fx.coordinator.index();
        java.util.concurrent.CompletableFuture<Integer> listed;
        synchronized (index) { // what a put or a resolve holds, on a network thread
            listed = java.util.concurrent.CompletableFuture.supplyAsync(() -> index.snapshot().size() + index.size());
            assertEquals(4, listed.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aHalfMessageIsPendingAndInvisibleToConsumers() {
        PrepareResult half = prepare("orders", "o1");
        assertEquals(1, fx.coordinator.index().size());
        assertTrue(consumable("orders").isEmpty());
        assertEquals(0, fx.store.maxQueueOffset(TxnTopics.HALF, 0));
        RecordView stored = RecordView.of(fx.store.readRecord(half.half().commitLogOffset()));
        assertEquals(TxnTopics.HALF, stored.topic());
        assertEquals("orders", stored.properties().get(MessageProperty.REAL_TOPIC));
        assertEquals(SysFlag.TRANSACTION_PREPARED_TYPE, SysFlag.transactionType(stored.sysFlag()));
    }

    @Test
    void commitAppendsTheRestoredMessageOnceAndItsOpRecord() {
        PrepareResult half = prepare("orders", "o1");
        EndResult r = end(half, Decision.COMMIT, Resolver.PRODUCER);
        assertEquals(EndStatus.APPLIED, r.status());
        assertEquals(TransactionState.COMMITTED, r.state());
        List<RecordView> visible = consumable("orders");
        assertEquals(1, visible.size());
        RecordView committed = visible.get(0);
        assertEquals("o1", StandardCharsets.UTF_8.decode(committed.body()).toString());
        assertEquals(1, committed.queueId());
        assertEquals(7, committed.flag());
        assertEquals(SysFlag.TRANSACTION_COMMIT_TYPE, SysFlag.transactionType(committed.sysFlag()));
        assertEquals(half.half().commitLogOffset(), committed.preparedTransactionOffset());
        assertEquals("true", committed.properties().get(MessageProperty.TRANSACTION_PREPARED));
        assertEquals(0, fx.coordinator.index().size());

        EndResult again = end(half, Decision.COMMIT, Resolver.PRODUCER);
        assertEquals(EndStatus.ALREADY_RESOLVED, again.status());
        assertTrue(again.message().contains("already committed"), again.message());
        assertEquals(1, consumable("orders").size());
    }

    @Test
    void rollbackLeavesNothingToConsumeAndALateCommitChangesNothing() {
        PrepareResult half = prepare("orders", "o2");
        assertEquals(EndStatus.APPLIED, end(half, Decision.ROLLBACK, Resolver.PRODUCER).status());
        EndResult late = end(half, Decision.COMMIT, Resolver.CHECK);
        assertEquals(EndStatus.ALREADY_RESOLVED, late.status());
        assertEquals(TransactionState.ROLLED_BACK, late.state());
        assertTrue(consumable("orders").isEmpty());
    }

    @Test
    void unknownLeavesItPendingAndWrongGroupsAndUnknownOffsetsAreRefused() {
        PrepareResult half = prepare("orders", "o3");
        assertEquals(EndStatus.IGNORED_UNKNOWN, end(half, Decision.UNKNOWN, Resolver.CHECK).status());
        EndResult wrong = end(half, Decision.COMMIT, Resolver.PRODUCER, "OTHER");
        assertEquals(EndStatus.WRONG_GROUP, wrong.status());
        assertTrue(wrong.message().contains("PG"));
        assertEquals(1, fx.coordinator.index().size());
        EndResult unknown = fx.coordinator.end(new EndRequest("PG", 123456789L, "nope", Decision.COMMIT, Resolver.PRODUCER)).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(EndStatus.NOT_FOUND, unknown.status());
        assertTrue(consumable("orders").isEmpty());
    }

    /**
     * An END that names this half's offset but another transaction (one sent to this broker by a stale address, whose
     * half is on another broker of the group at the same offset) leaves it pending.
     */
    @Test
    void anEndNamingTheOffsetOfAnotherTransactionLeavesItPending() {
        PrepareResult half = prepare("orders", "o4");
        EndResult stranger = fx.coordinator.end(new EndRequest("PG", half.half().commitLogOffset(), "another-broker's-tx",
                Decision.ROLLBACK, Resolver.PRODUCER)).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(EndStatus.NOT_FOUND, stranger.status(), stranger.message());
        assertEquals(1, fx.coordinator.index().size(), "still pending");
        assertEquals(EndStatus.APPLIED, end(half, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals(1, consumable("orders").size());
    }

    /** A resolution failing before its records are written leaves the transaction pending, to be answered again. */
    @Test
    void aResolutionThatFailsBeforeItsRecordsAreWrittenLeavesItPending() {
        PrepareResult half = prepare("orders", "o6");
        fx.failDispatchOf = "orders"::equals;
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                () -> end(half, Decision.COMMIT, Resolver.PRODUCER));
        fx.failDispatchOf = topic -> false;
        assertEquals(EndStatus.APPLIED, end(half, Decision.COMMIT, Resolver.PRODUCER).status(), "not stuck resolving");
        assertEquals(1, consumable("orders").size());
    }

    @Test
    void concurrentAnswersApplyExactlyOnce() {
        for (int round = 0; round < 50; round++) {
            PrepareResult half = prepare("race", "r" + round);
            List<CompletableFuture<EndResult>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Decision d = i % 2 == 0 ? Decision.COMMIT : Decision.ROLLBACK;
                answers.add(CompletableFuture.supplyAsync(() -> end(half, d, Resolver.CHECK)));
            }
            long applied = answers.stream().map(CompletableFuture::join).filter(EndResult::applied).count();
            assertEquals(1, applied);
        }
        await().until(() -> fx.store.dispatchedOffset() == fx.store.writtenOffset());
        QueueReadResult r = fx.store.readQueue("race", 1, 0, 1000, 1 << 22, null);
        List<String> bodies = r.records().stream().map(s -> StandardCharsets.UTF_8.decode(RecordView.of(s.bytes()).body()).toString()).toList();
        assertEquals(bodies.size(), bodies.stream().distinct().count());
    }

    @Test
    void pendingSetAndCheckCountsSurviveARestart() {
        PrepareResult a = prepare("orders", "a");
        PrepareResult b = prepare("orders", "b");
        PrepareResult c = prepare("orders", "c");
        end(b, Decision.COMMIT, Resolver.PRODUCER);
        fx.coordinator.checks().recordCheck(a.half().commitLogOffset(), "client-1@127.0.0.1:5555", 42).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        fx.coordinator.checks().recordCheck(a.half().commitLogOffset(), "client-2@127.0.0.1:5556", 43).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        fx.coordinator.checkpoint();
        fx.coordinator.checks().recordCheck(c.half().commitLogOffset(), "client-1@127.0.0.1:5555", 44).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        PrepareResult d = prepare("orders", "d");

        fx.reopen();
        assertEquals(3, fx.coordinator.index().size());
        PendingTransaction ta = fx.coordinator.index().get(a.half().commitLogOffset()).orElseThrow();
        assertEquals(2, ta.checkCount());
        assertEquals("client-2@127.0.0.1:5556", ta.checks().get(1).target());
        assertEquals(1, fx.coordinator.index().get(c.half().commitLogOffset()).orElseThrow().checkCount());
        assertTrue(fx.coordinator.index().get(d.half().commitLogOffset()).isPresent());
        assertFalse(fx.coordinator.index().get(b.half().commitLogOffset()).isPresent());
        assertEquals(EndStatus.ALREADY_RESOLVED, end(b, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals(EndStatus.APPLIED, end(d, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals(2, consumable("orders").size());
    }

    /** Restarts read the snapshot's transactions without writing them back; they stay in it for the next restart. */
    @Test
    void theSnapshotsTransactionsSurviveRestartAfterRestart() {
        PrepareResult a = prepare("orders", "a");
        PrepareResult b = prepare("orders", "b");
        fx.coordinator.checkpoint();
        fx.reopen();
        fx.reopen();
        assertEquals(2, fx.coordinator.index().size());
        assertEquals(EndStatus.APPLIED, end(a, Decision.COMMIT, Resolver.PRODUCER).status());
        fx.coordinator.checkpoint();
        fx.reopen();
        assertEquals(1, fx.coordinator.index().size());
        assertTrue(fx.coordinator.index().get(b.half().commitLogOffset()).isPresent());
        assertEquals(EndStatus.ALREADY_RESOLVED, end(a, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals(EndStatus.APPLIED, end(b, Decision.ROLLBACK, Resolver.PRODUCER).status());
        assertEquals(1, consumable("orders").size());
    }

    @Test
    void aTransactionResolvedBetweenSnapshotsLeavesNothingInTheNextOne() {
        PrepareResult quick = prepare("orders", "quick");
        end(quick, Decision.COMMIT, Resolver.PRODUCER);
        PrepareResult saved = prepare("orders", "saved");
        fx.coordinator.checkpoint();
        end(saved, Decision.ROLLBACK, Resolver.PRODUCER);
        PrepareResult open = prepare("orders", "open");

        Map<Long, PendingTransaction> next = fx.coordinator.index().takeDirty();
        assertFalse(next.containsKey(quick.half().commitLogOffset()), "added and resolved since the last snapshot: no write");
        assertTrue(next.containsKey(saved.half().commitLogOffset()), "in the last snapshot: deleted from it");
        assertNull(next.get(saved.half().commitLogOffset()));
        assertEquals(open.transactionId(), next.get(open.half().commitLogOffset()).transactionId());
    }

    @Test
    void aSnapshotUnderAsyncFlushWaitsUntilTheLogItReflectsIsOnDisk() {
        fx.close();
        fx = new TxnFixture(dir);
        fx.config = fx.config.withCommitLog(fx.config.commitLog().withFlushMode(FlushMode.ASYNC_FLUSH)
                .withFlushIntervalMs(60_000)); // the flush loop would not come round during the test
        fx.open();
        PrepareResult committed = prepare("orders", "committed");
        end(committed, Decision.COMMIT, Resolver.PRODUCER);
        long written = fx.store.writtenOffset();
        assertTrue(fx.store.flushedOffset() < written, "the commit is only in the page cache so far");

        fx.coordinator.checkpoint(); // records the transaction as resolved: a power loss must not keep that alone

        assertTrue(fx.store.flushedOffset() >= written, "the commit it reflects is on disk before the snapshot");
    }

    @Test
    void aPendingEntryWhoseHalfWasLostIsDeletedFromTheSnapshotNotJustSkipped() throws Exception {
        PrepareResult before = prepare("orders", "before");
        end(before, Decision.COMMIT, Resolver.PRODUCER);
        PrepareResult lost = prepare("orders", "lost");
        long cut = lost.half().commitLogOffset();
        long frame = cut - 16; // the frame holding the half starts with a 16-byte header
        fx.close(); // the snapshot holds "lost" as pending
        // the log loses its tail from that half on, and the store verifies from the start
        try (var raf = new java.io.RandomAccessFile(fx.dir.resolve("commitlog")
                .resolve(String.format("%020d", frame / (64 * 1024) * (64 * 1024))).toFile(), "rw")) {
            raf.setLength(frame % (64 * 1024));
            raf.setLength(64 * 1024);
        }
        try (var meta = dev.halfmoon.log.meta.MetadataStore.open(fx.config.metadataDir())) {
            var table = meta.table(dev.halfmoon.log.meta.MetadataTable.CHECKPOINTS, dev.halfmoon.log.meta.Codec.STRING,
                    dev.halfmoon.log.meta.Codec.BYTES);
            table.forEach((k, v) -> table.delete(k));
        }
        fx.open();
        assertEquals(frame, fx.store.writtenOffset(), "the log ends where the lost half was");
        assertFalse(fx.coordinator.find(cut, lost.transactionId()).isPresent(), "dropped: its half is gone");

        PrepareResult reused = prepare("orders", "reused"); // lands at the same offset, resolved at once
        assertEquals(cut, reused.half().commitLogOffset());
        end(reused, Decision.COMMIT, Resolver.PRODUCER);
        for (int i = 0; i < 3; i++) {
            end(prepare("orders", "later-" + i), Decision.COMMIT, Resolver.PRODUCER);
        }
        fx.reopen();
        assertFalse(fx.coordinator.find(cut, lost.transactionId()).isPresent(),
                "the lost transaction does not come back from the snapshot once the log has grown past its offset");
        assertEquals(0, fx.coordinator.index().size());
    }

    @Test
    void whatRecoveryLearnsFromTheLogIsKeptAcrossASecondCrash() {
        PrepareResult a = prepare("orders", "a");
        PrepareResult b = prepare("orders", "b");
        fx.coordinator.checkpoint();
        end(a, Decision.COMMIT, Resolver.CHECK);
        PrepareResult c = prepare("orders", "c");

        fx.reopenWithoutSnapshot();
        assertFalse(fx.coordinator.index().get(a.half().commitLogOffset()).isPresent(), "the commit op was read back");
        fx.reopenWithoutSnapshot();
        assertFalse(fx.coordinator.index().get(a.half().commitLogOffset()).isPresent(),
                "a second crash must not bring it back from the older snapshot");
        assertTrue(fx.coordinator.index().get(b.half().commitLogOffset()).isPresent());
        assertTrue(fx.coordinator.index().get(c.half().commitLogOffset()).isPresent(), "found in the log, then kept");
        assertEquals(EndStatus.ALREADY_RESOLVED, end(a, Decision.COMMIT, Resolver.CHECK).status());
        assertEquals(1, consumable("orders").size(), "committed once");
    }

    @Test
    void givingUpRollsBackCopiesTheHalfForInspectionAndRefusesLateAnswers() {
        PrepareResult half = prepare("orders", "g");
        EndResult r = fx.coordinator.giveUp(half.half().commitLogOffset()).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(TransactionState.GIVEN_UP, r.state());
        await().until(() -> fx.store.maxQueueOffset(TxnTopics.CHECK_MAX_TIME, 0) == 1);
        RecordView copy = RecordView.of(fx.store.readQueue(TxnTopics.CHECK_MAX_TIME, 0, 0, 1, 1 << 20, null)
                .records().get(0).bytes());
        assertEquals("g", StandardCharsets.UTF_8.decode(copy.body()).toString());
        EndResult late = end(half, Decision.COMMIT, Resolver.PRODUCER);
        assertEquals(EndStatus.ALREADY_RESOLVED, late.status());
        assertTrue(late.message().contains("given up"), late.message());
        assertTrue(consumable("orders").isEmpty());
    }

    @Test
    void pagesOfPendingTransactionsAreOldestFirstAcrossManyOfThem() {
        List<Long> halves = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            halves.add(prepare("orders", "m" + i).half().commitLogOffset());
        }
        List<Long> expected = fx.coordinator.list(PendingQuery.all()).transactions().stream()
                .map(PendingTransaction::halfOffset).toList();
        assertEquals(halves, expected, "prepared one after another: store time and offset both grow");
        for (int from = 0; from < 60; from += 7) {
            PendingPage page = fx.coordinator.list(new PendingQuery("orders", null, 0, from, 7));
            assertEquals(60, page.total());
            assertEquals(expected.subList(from, Math.min(60, from + 7)),
                    page.transactions().stream().map(PendingTransaction::halfOffset).toList(), "page from " + from);
        }
        assertEquals(List.of(), fx.coordinator.list(new PendingQuery(null, null, 0, 60, 7)).transactions());
    }

    @Test
    void adminCanListFindAndResolvePendingTransactions() {
        PrepareResult a = prepare("orders", "a");
        PrepareResult b = fx.coordinator.prepare(message("payments", 1, "b", "PG2")).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        PendingPage all = fx.coordinator.list(PendingQuery.all());
        assertEquals(2, all.total());
        assertEquals(1, fx.coordinator.list(new PendingQuery("payments", null, 0, 0, 10)).total());
        assertEquals(1, fx.coordinator.list(new PendingQuery(null, "PG", 0, 0, 10)).total());
        assertEquals(0, fx.coordinator.list(new PendingQuery(null, null, 3_600_000, 0, 10)).total());
        PendingPage page = fx.coordinator.list(new PendingQuery(null, null, 0, 1, 1));
        assertEquals(2, page.total());
        assertEquals(b.transactionId(), page.transactions().get(0).transactionId());

        assertEquals(a.half().commitLogOffset(), fx.coordinator.find(a.transactionId()).orElseThrow().halfOffset());
        assertTrue(fx.coordinator.find(Long.toString(a.half().commitLogOffset())).isPresent());
        assertTrue(fx.coordinator.find(fx.coordinator.offsetMessageId(a.half().commitLogOffset())).isPresent());
        assertEquals(EndStatus.APPLIED, fx.coordinator.resolveByAdmin(b.transactionId(), Decision.COMMIT).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join().status());
        await().until(() -> fx.store.maxQueueOffset("payments", 1) == 1);
        for (String id : List.of(b.transactionId(), Long.toString(b.half().commitLogOffset()))) { // done already: said so
            EndResult again = fx.coordinator.resolveByAdmin(id, Decision.ROLLBACK).join();
            assertEquals(EndStatus.ALREADY_RESOLVED, again.status(), id);
            assertEquals(TransactionState.COMMITTED, again.state(), id);
        }
    }

    @Test
    void immunityTimeOnlyMovesTheFirstDeadline() {
        PrepareResult half = fx.coordinator.prepare(message("orders", 1, "i", "PG",
                Map.of(MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS, "60"))).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        PendingTransaction t = fx.coordinator.index().get(half.half().commitLogOffset()).orElseThrow();
        assertEquals(60_000, t.timeoutMs());
        assertEquals(t.storeTimestamp() + 60_000, t.nextCheckMs());
        assertEquals(0, t.checkCount());
    }

    @Test
    void aFailedSnapshotPutsItsChangesBackWithoutUndoingNewerOnes() {
        PrepareResult x = prepare("orders", "x");
        PrepareResult y = prepare("orders", "y");
        Map<Long, PendingTransaction> taken = fx.coordinator.index().takeDirty(); // a snapshot starts...
        end(x, Decision.COMMIT, Resolver.PRODUCER); // ...x is resolved while it is written...
        fx.coordinator.index().restoreDirty(taken); // ...and the write fails
        Map<Long, PendingTransaction> next = fx.coordinator.index().takeDirty();
        assertTrue(next.containsKey(x.half().commitLogOffset()));
        assertNull(next.get(x.half().commitLogOffset()), "x stays deleted: the failed snapshot's copy of it is older");
        assertEquals(y.transactionId(), next.get(y.half().commitLogOffset()).transactionId());
    }

    /** Fills the log with resolved transactions and ages its segments, so retention deletes the oldest. */
    private void fillAndAge() throws Exception {
        for (int i = 0; i < 60; i++) {
            PrepareResult filler = prepare("filler", "x".repeat(2000) + i);
            end(filler, Decision.ROLLBACK, Resolver.PRODUCER);
        }
        try (var files = java.nio.file.Files.list(dir.resolve("commitlog"))) {
            for (Path f : files.toList()) {
                java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
            }
        }
    }

    /**
     * Fills and ages the log behind {@code pending}, reopens with a short retention (the reopen's
     * snapshot holds {@code pending} at its first offset) and waits until its segment is deleted.
     */
    private void reopenUntilCarried(PrepareResult pending) throws Exception {
        fillAndAge();
        fx.close();
        fx.config = fx.config.withRetention(new RetentionConfig(1000, 75, 0.95, 50, 20));
        fx.open();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> fx.store.minCommitLogOffset() > pending.half().commitLogOffset());
    }

    @Test
    void aTransactionBeingResolvedIsNotCarriedForwardUnderItsAnswer() throws Exception {
        PrepareResult pending = prepare("orders", "claimed");
        long at = pending.half().commitLogOffset();
        fillAndAge();
        assertTrue(fx.coordinator.index().claim(at).isPresent(), "an answer is being recorded");
        assertThrows(IllegalStateException.class, () -> fx.coordinator.carryForward(0, at + 1));
        assertEquals(TransactionState.RESOLVING, fx.coordinator.index().get(at).orElseThrow().state(), "left where it is");

        fx.coordinator.index().release(at); // that answer's append failed
        fx.coordinator.carryForward(0, at + 1);
        PendingTransaction moved = fx.coordinator.find(pending.transactionId()).orElseThrow();
        assertTrue(moved.halfOffset() > at);
        assertEquals(TransactionState.PENDING, moved.state(), "the carrier's claim ends with the move");
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
    }

    @Test
    void aReleasedClaimIsAnnouncedAsPendingAgainSoItsCheckBackIsRescheduled() {
        PrepareResult pending = prepare("orders", "released");
        long at = pending.half().commitLogOffset();
        List<PendingTransaction> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        fx.coordinator.index().addListener(new PendingListener() {
            @Override
            public void onPending(PendingTransaction t) {
                announced.add(t);
            }

            @Override
            public void onRemoved(long halfOffset) {
            }

            @Override
            public void onResolved(PendingTransaction t, TransactionState outcome) {
            }
        });
        fx.coordinator.index().claim(at); // an answer's (or a carry's) append is under way; a due check is skipped
        fx.coordinator.index().release(at); // and it failed
        assertEquals(1, announced.size());
        assertEquals(at, announced.get(0).halfOffset());
        assertEquals(TransactionState.PENDING, announced.get(0).state());
    }

    @Test
    void anAnswerArrivingWhileItsHalfIsCarriedForwardIsAppliedAfterwards() {
        PrepareResult pending = prepare("orders", "answered during the copy");
        long at = pending.half().commitLogOffset();
        CompletableFuture<Void> copying = new CompletableFuture<>();
        fx.coordinator.carrying.put(at, copying); // as carryForward does, holding the claim while it copies
        fx.coordinator.index().claim(at);
        CompletableFuture<EndResult> answer = fx.coordinator.end(new EndRequest("PG", at, pending.transactionId(),
                Decision.COMMIT, Resolver.CHECK));
        assertFalse(answer.isDone(), "not refused as in progress: it waits for the copy");

        fx.coordinator.index().release(at); // the copy failed (a moved one is found by id the same way)
        fx.coordinator.carrying.remove(at);
        copying.complete(null);
        assertEquals(EndStatus.APPLIED, answer.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join().status());
        assertEquals(1, consumable("orders").size());
    }

    /**
     * A producer's COMMIT arriving while a give-up is being written waits for it: applied if the store refused the
     * give-up (the transaction is pending again), reported as given up if not. Ignored, the commit was lost for good:
     * no check-back asks again once the checks are used up, and the next give-up rolled back what the producer committed.
     */
    @Test
    void anAnswerArrivingWhileAGiveUpIsWrittenIsAppliedIfTheStoreRefusedTheGiveUp() {
        PrepareResult pending = prepare("orders", "committed during a give-up");
        long at = pending.half().commitLogOffset();
        CompletableFuture<Void> givingUp = new CompletableFuture<>();
        fx.coordinator.index().claim(at); // as giveUp does, holding the claim while its records are appended
        fx.coordinator.resolving.put(at, givingUp);
        CompletableFuture<EndResult> answer = fx.coordinator.end(new EndRequest("PG", at, pending.transactionId(),
                Decision.COMMIT, Resolver.PRODUCER));
        assertFalse(answer.isDone(), "not ignored as in progress: it waits for the give-up");

        fx.coordinator.index().release(at); // the store refused the give-up: pending again
        fx.coordinator.resolving.remove(at);
        givingUp.complete(null);
        assertEquals(EndStatus.APPLIED, answer.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join().status());
        assertEquals(1, consumable("orders").size());

        PrepareResult second = prepare("orders", "given up meanwhile");
        long secondAt = second.half().commitLogOffset();
        CompletableFuture<EndResult> gaveUp = fx.coordinator.giveUp(secondAt);
        EndResult late = fx.coordinator.end(new EndRequest("PG", secondAt, second.transactionId(), Decision.COMMIT,
                Resolver.PRODUCER)).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(EndStatus.APPLIED, gaveUp.join().status());
        assertEquals(EndStatus.ALREADY_RESOLVED, late.status(), late.message());
        assertEquals(TransactionState.GIVEN_UP, late.state());
        assertTrue(fx.coordinator.resolving.isEmpty(), "every resolution's entry goes when it is done");
    }

    @Test
    void aTransactionCarriedForwardTwiceBeforeASnapshotIsKeptAtItsLastCopy() throws Exception {
        PrepareResult pending = prepare("orders", "carried twice");
        reopenUntilCarried(pending); // the last snapshot: the transaction at its first offset
        long first = fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset();
        fillAndAge();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> fx.store.minCommitLogOffset() > first);
        long second = fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset();
        assertTrue(second > first);

        fx.reopenWithoutSnapshot(); // both earlier segments gone, the snapshot still names the original offset
        assertEquals(second, fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset());
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
    }

    @Test
    void aCrashJustAfterACarryForwardKeepsTheTransactionAtItsCopy() throws Exception {
        PrepareResult pending = prepare("orders", "carried");
        reopenUntilCarried(pending); // its snapshot holds the transaction at its first offset
        long copy = fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset();

        fx.reopenWithoutSnapshot(); // no snapshot after the carry: recovery finds the copy in the log
        PendingTransaction found = fx.coordinator.find(pending.transactionId()).orElseThrow();
        assertEquals(copy, found.halfOffset());
        fx.reopenWithoutSnapshot();
        assertEquals(copy, fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset(), "and after a second crash");
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals("carried", StandardCharsets.UTF_8.decode(consumable("orders").get(0).body()).toString());
    }

    /**
     * Reopens with a retention that deletes only what the test ages, prepares a transaction in the first
     * segment, saves a snapshot holding it as pending, then fills the log past that segment.
     */
    private PrepareResult snapshottedThenFilledPast(String body) {
        fx.close();
        fx = new TxnFixture(dir);
        fx.config = fx.config.withRetention(new RetentionConfig(60_000, 75, 0.95, 50, 20));
        fx.open();
        PrepareResult pending = prepare("orders", body);
        fx.coordinator.checkpoint();
        while (fx.store.writtenOffset() < 2 * 64 * 1024) {
            end(prepare("filler", "x".repeat(2000)), Decision.ROLLBACK, Resolver.PRODUCER);
        }
        return pending;
    }

    /** Ages the first segment only and waits until retention deleted it (carrying forward what is pending in it). */
    private void deleteFirstSegment(long half) throws Exception {
        java.nio.file.Files.setLastModifiedTime(dir.resolve("commitlog").resolve(String.format("%020d", 0)),
                java.nio.file.attribute.FileTime.fromMillis(0));
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> fx.store.minCommitLogOffset() > half);
    }

    @Test
    void aHalfCarriedForwardBeforeAnySnapshotHeldItIsStillPendingAfterACrash() throws Exception {
        fx.close();
        fx = new TxnFixture(dir);
        fx.config = fx.config.withRetention(new RetentionConfig(60_000, 75, 0.95, 50, 20));
        fx.open();
        fx.coordinator.checkpoint(); // the last snapshot before the crash: taken before the transaction began
        PrepareResult pending = prepare("orders", "after-the-snapshot");
        while (fx.store.writtenOffset() < 2 * 64 * 1024) {
            end(prepare("filler", "x".repeat(2000)), Decision.ROLLBACK, Resolver.PRODUCER);
        }
        long half = pending.half().commitLogOffset();
        deleteFirstSegment(half); // carried forward, then its segment deleted

        fx.reopenWithoutSnapshot(); // recovery finds only the copy, of a half it never saw
        PendingTransaction found = fx.coordinator.find(pending.transactionId()).orElseThrow();
        assertTrue(found.halfOffset() > half, "pending at its copy");
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals("after-the-snapshot", StandardCharsets.UTF_8.decode(consumable("orders").get(0).body()).toString());
    }

    @Test
    void aCheckRecordedBeforeACarryForwardStillCountsAfterACrash() throws Exception {
        PrepareResult pending = snapshottedThenFilledPast("checked");
        long half = pending.half().commitLogOffset();
        assertTrue(fx.coordinator.checks().recordCheck(half, "producer-1", System.currentTimeMillis() + 60_000)
                .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join()); // the check op in a later segment
        deleteFirstSegment(half);

        fx.reopenWithoutSnapshot(); // recovery: the snapshot's entry set aside, the check op, then the copy
        PendingTransaction found = fx.coordinator.find(pending.transactionId()).orElseThrow();
        assertTrue(found.halfOffset() > half);
        assertEquals(1, found.checkCount(), "the check made before the carry");
    }

    @Test
    void aTransactionCommittedAfterTheSnapshotWhoseHalfRetentionDeletedIsRecoveredAsCommitted() throws Exception {
        PrepareResult committed = snapshottedThenFilledPast("committed late");
        long half = committed.half().commitLogOffset();
        assertEquals(EndStatus.APPLIED, end(committed, Decision.COMMIT, Resolver.PRODUCER).status()); // op in a later segment
        deleteFirstSegment(half);

        fx.reopenWithoutSnapshot(); // the snapshot says pending at a deleted offset; the log says committed
        assertTrue(fx.coordinator.find(committed.transactionId()).isEmpty());
        EndResult late = end(committed, Decision.COMMIT, Resolver.PRODUCER);
        assertEquals(EndStatus.ALREADY_RESOLVED, late.status(), late.message());
        assertEquals(TransactionState.COMMITTED, late.state());
    }

    @Test
    void retentionCarriesPendingHalvesForward() throws Exception {
        PrepareResult pending = prepare("orders", "keep-me");
        reopenUntilCarried(pending);
        PendingTransaction moved = fx.coordinator.find(pending.transactionId()).orElseThrow();
        assertTrue(moved.halfOffset() > pending.half().commitLogOffset());
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals("keep-me", StandardCharsets.UTF_8.decode(consumable("orders").get(0).body()).toString());
        fx.reopen();
        assertEquals(0, fx.coordinator.index().size());
    }

    /**
     * A disk over diskSpaceWarningLevelRatio refuses appends; retention must still carry a pending half out of the
     * oldest segment (into the share of the disk kept for that), or the segment and the disk could never be freed.
     */
    @Test
    void aFullDiskStillLetsRetentionCarryPendingHalvesForwardAndGiveSpaceBack() throws Exception {
        PrepareResult pending = prepare("orders", "keep-me");
        fillAndAge();
        fx.close();
        fx.diskUsage = () -> 0.97;
        fx.config = fx.config.withRetention(new RetentionConfig(1000, 75, 0.95, 50, 20));
        fx.open();
        assertTrue(fx.store.health().diskFull());
        await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> fx.store.minCommitLogOffset() > pending.half().commitLogOffset());
        assertTrue(fx.coordinator.find(pending.transactionId()).orElseThrow().halfOffset() > pending.half().commitLogOffset());
        assertFalse(fx.coordinator.prepare(message("orders", 1, "refused", "PG")).join().ok(), "others are still refused");

        fx.diskUsage = null;
        fx.reopen();
        assertEquals(EndStatus.APPLIED, end(pending, Decision.COMMIT, Resolver.PRODUCER).status());
        assertEquals("keep-me", StandardCharsets.UTF_8.decode(consumable("orders").get(0).body()).toString());
    }

    /** The once-only mark of a resume follows the log: re-made by recovery, dropped when its half was lost. */
    @Test
    void resumeMarksAreRecoveredFromTheLogAndDroppedWhenTheirHalfWasLost() {
        long copy = 4242;
        PrepareResult resumed = fx.coordinator.prepare(TxnFixture.message("orders", 1, "r", "PG",
                Map.of(TransactionRecords.RESUMED_FROM, Long.toString(copy)))).join();
        assertTrue(resumed.ok());
        new CoordinatorSnapshots(fx.metadata).markResumed(777, Long.MAX_VALUE / 2); // a half beyond the log's end
        fx.reopenWithoutSnapshot();
        CoordinatorSnapshots marks = new CoordinatorSnapshots(fx.metadata);
        assertEquals(resumed.half().commitLogOffset(), marks.resumedHalf(copy), "recovery marks the copy its half came from");
        assertNull(marks.resumedHalf(777), "a mark whose half was lost is dropped, so the copy can be resumed again");
        assertTrue(fx.coordinator.find(resumed.half().commitLogOffset(), null).isPresent());
    }
}
