package dev.halfmoon.txn;

import static dev.halfmoon.txn.TxnFixture.message;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.QueueReadResult;
import dev.halfmoon.log.StoredRecord;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A half send that timed out after the broker stored it is sent again: two halves of one message. The producer ends
 * the second, the check-back of the first is answered COMMIT as well; the message must be delivered once.
 */
@Timeout(60)
class RetriedHalvesTest {
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

    private PrepareResult half(String txId, int queueId, String body) {
        PrepareResult r = fx.coordinator.prepare(message("orders", queueId, body, "PG",
                Map.of(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, txId))).orTimeout(30, TimeUnit.SECONDS).join();
        assertTrue(r.ok());
        return r;
    }

    private EndResult end(PrepareResult half, Decision decision, Resolver by) {
        return fx.end(half, decision, by, "PG");
    }

    private List<String> delivered() {
        await().until(() -> fx.store.dispatchedOffset() == fx.store.writtenOffset());
        List<String> bodies = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            QueueReadResult r = fx.store.readQueue("orders", q, 0, 100, 1 << 20, null);
            for (StoredRecord s : r.records()) {
                bodies.add(StandardCharsets.UTF_8.decode(RecordView.of(s.bytes()).body()).toString());
            }
        }
        return bodies;
    }

    @Test
    void theCheckedBackCopyOfACommittedMessageIsRolledBackNotDeliveredTwice() {
        PrepareResult first = half("TX-retried", 1, "order 42");
        PrepareResult retry = half("TX-retried", 2, "order 42"); // the client's retry picks another queue
        assertEquals(EndStatus.APPLIED, end(retry, Decision.COMMIT, Resolver.PRODUCER).status());
        EndResult checked = end(first, Decision.COMMIT, Resolver.CHECK);
        assertEquals(EndStatus.APPLIED, checked.status());
        assertEquals(TransactionState.ROLLED_BACK, checked.state());
        assertTrue(checked.message().contains("stored it twice"), checked.message());
        EndResult again = end(first, Decision.COMMIT, Resolver.CHECK); // a second check answered: not a late commit
        assertEquals(EndStatus.ALREADY_RESOLVED, again.status());
        assertEquals(TransactionState.COMMITTED, again.state(), "its message is committed");
        assertEquals(List.of("order 42"), delivered());
        assertEquals(0, fx.coordinator.index().size());
    }

    @Test
    void aRolledBackCopyLetsTheOtherCommit() {
        PrepareResult first = half("TX-undecided", 1, "order 43");
        PrepareResult retry = half("TX-undecided", 1, "order 43");
        assertEquals(TransactionState.ROLLED_BACK, end(retry, Decision.ROLLBACK, Resolver.PRODUCER).state());
        assertEquals(TransactionState.COMMITTED, end(first, Decision.COMMIT, Resolver.CHECK).state());
        assertEquals(List.of("order 43"), delivered());
    }

    @Test
    void twoDifferentMessagesSharingAnIdAreBothDelivered() {
        PrepareResult a = half("TX-reused", 1, "order 44");
        PrepareResult b = half("TX-reused", 1, "order 45");
        assertEquals(TransactionState.COMMITTED, end(a, Decision.COMMIT, Resolver.PRODUCER).state());
        assertEquals(TransactionState.COMMITTED, end(b, Decision.COMMIT, Resolver.PRODUCER).state());
        assertEquals(List.of("order 44", "order 45"), delivered());
    }

    @Test
    void copiesPendingAcrossARestartAreStillOneMessage() {
        PrepareResult first = half("TX-restarted", 1, "order 46");
        PrepareResult retry = half("TX-restarted", 1, "order 46");
        fx.reopen();
        assertEquals(TransactionState.COMMITTED, end(retry, Decision.COMMIT, Resolver.PRODUCER).state());
        assertEquals(TransactionState.ROLLED_BACK, end(first, Decision.COMMIT, Resolver.CHECK).state());
        assertEquals(List.of("order 46"), delivered());
    }

    /** The twin was committed, then the broker restarted: nothing in memory pairs the copy left pending. */
    @Test
    void aCopyLeftPendingByARestartAfterItsTwinCommittedIsRolledBack() {
        PrepareResult first = half("TX-committed-then-restart", 1, "order 48");
        PrepareResult retry = half("TX-committed-then-restart", 2, "order 48");
        assertEquals(TransactionState.COMMITTED, end(retry, Decision.COMMIT, Resolver.PRODUCER).state());
        fx.reopen();
        EndResult checked = end(first, Decision.COMMIT, Resolver.CHECK);
        assertEquals(TransactionState.ROLLED_BACK, checked.state(), checked.message());
        assertEquals(List.of("order 48"), delivered());
    }

    /** The retried send is stored only after the first copy was committed (it waited in the send pool). */
    @Test
    void aCopyStoredAfterItsTwinCommittedIsRolledBack() {
        PrepareResult first = half("TX-late-copy", 1, "order 49");
        assertEquals(TransactionState.COMMITTED, end(first, Decision.COMMIT, Resolver.PRODUCER).state());
        PrepareResult retry = half("TX-late-copy", 2, "order 49");
        assertEquals(TransactionState.ROLLED_BACK, end(retry, Decision.COMMIT, Resolver.CHECK).state());
        assertEquals(List.of("order 49"), delivered());
    }

    /** A duplicate END for the committed copy (the client sent it twice) is not applied to the other copy. */
    @Test
    void anEndForAResolvedCopyIsNotAppliedToTheOtherCopy() {
        PrepareResult first = half("TX-double-end", 1, "order 50");
        PrepareResult retry = half("TX-double-end", 2, "order 50");
        assertEquals(TransactionState.COMMITTED, end(retry, Decision.COMMIT, Resolver.PRODUCER).state());
        fx.reopen();
        assertEquals(EndStatus.ALREADY_RESOLVED, end(retry, Decision.COMMIT, Resolver.PRODUCER).status());
        assertTrue(fx.coordinator.index().get(first.half().commitLogOffset()).isPresent(), "the other copy is untouched");
        assertEquals(List.of("order 50"), delivered());
    }

    /** The retried copy is stored while the first is being committed: the pair is made with the first still in the index. */
    @Test
    void aCopyPairedWhileTheFirstWasBeingCommittedIsStillRolledBack() {
        PrepareResult first = half("TX-racing", 1, "order 47");
        PendingTransaction firstAsSeen = fx.coordinator.index().get(first.half().commitLogOffset()).orElseThrow();
        PrepareResult retry = half("TX-racing-other-id", 1, "order 47"); // (a copy, stored without pairing)
        assertEquals(TransactionState.COMMITTED, end(first, Decision.COMMIT, Resolver.PRODUCER).state());
        RetriedHalves pairs = new RetriedHalves(fx.store, fx.coordinator.index(), 0);
        PendingTransaction copy = fx.coordinator.index().get(retry.half().commitLogOffset()).orElseThrow();
        PendingTransaction sameId = new PendingTransaction(copy.halfOffset(), firstAsSeen.transactionId(), copy.producerGroup(),
                copy.topic(), copy.queueId(), copy.bornHost(), copy.storeTimestamp(), copy.timeoutMs(), copy.checkCount(),
                copy.nextCheckMs(), copy.lastCheckResult(), copy.checks(), copy.state());
        pairs.stored(sameId, firstAsSeen); // paired with the first as the index showed it before its commit
        assertEquals(first.half().commitLogOffset(), pairs.claimCommit(sameId, fx.store.readRecord(sameId.halfOffset())), "the first copy is committed already");
        pairs.resolved(sameId);
        assertEquals(0, pairs.size(), "nothing left behind");
    }
}
