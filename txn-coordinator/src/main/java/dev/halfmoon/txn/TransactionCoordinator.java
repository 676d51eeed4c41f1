package dev.halfmoon.txn;

import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.AppendStatus;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordView;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions over the shared log: stores half messages, resolves them with the op log (a commit
 * appends the restored message and its op record in one atomic batch), records check-backs, gives
 * transactions up by policy, and carries pending halves forward before retention deletes them.
 *
 * <p>Every answer goes through one rule: the first final answer wins. A transaction is claimed
 * (PENDING → RESOLVING) before its records are appended, so a second END, a check answer after an
 * END, or a late answer after give-up changes nothing and is reported as such.
 *
 * <p>Thread-safe. Survives a crash: the pending index is rebuilt from the last snapshot plus the
 * half and op records after it ({@link #open}).
 */
public final class TransactionCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** How long a snapshot waits for the log it reflects to reach the disk. */
    private static final long SNAPSHOT_FLUSH_WAIT_MS = 2_000;

    private final LogStore store;
    private final PendingIndex index;
    private final AppendTracker appends;
    private final CoordinatorSnapshots snapshots;
    private final Clock clock;
    private final InetSocketAddress storeHost;
    /** {@code transactionTimeOut}: for halves stored from now on (an operator may change it while running). */
    private volatile long defaultTimeoutMs;
    private final GivenUpResumer resumer;
    private final RetriedHalves retried;
    private final HalfCarrier carrier;
    private final CheckBook checks;
    /** Halves being carried forward by retention (claimed meanwhile), completed when moved or released. */
    final Map<Long, CompletableFuture<Void>> carrying;
    /** Transactions whose resolution (an answer, a give-up) is being appended, completed once it is applied or not. */
    final Map<Long, CompletableFuture<Void>> resolving = new java.util.concurrent.ConcurrentHashMap<>();

    private TransactionCoordinator(LogStore store, PendingIndex index, CoordinatorSnapshots snapshots, Clock clock,
                                   InetSocketAddress storeHost, long defaultTimeoutMs) {
        this.store = store;
        this.index = index;
        this.appends = new AppendTracker(store);
        this.snapshots = snapshots;
        this.clock = clock;
        this.storeHost = storeHost;
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.resumer = new GivenUpResumer(store, index, snapshots, this::storeHalf);
        this.retried = new RetriedHalves(store, index, clock.millis());
        this.carrier = new HalfCarrier(store, index, appends);
        this.carrying = carrier.carrying;
        this.checks = new CheckBook(store, index, appends, clock, storeHost);
        retried.recovered(index.view());
    }

    /**
     * Rebuilds the pending index from the snapshot and the log after it. Call after
     * {@link LogStore#open} and before {@link LogStore#start}.
     *
     * @param defaultTimeoutMs {@code transactionTimeOut}
     */
    public static TransactionCoordinator open(LogStore store, MetadataStore metadata, Clock clock,
                                              InetSocketAddress storeHost, long defaultTimeoutMs) {
        CoordinatorSnapshots snapshots = new CoordinatorSnapshots(metadata);
        List<PendingTransaction> snapshot = snapshots.pending();
        PendingIndex index = new PendingIndex(snapshot.size());
        CoordinatorRecovery recovery = new CoordinatorRecovery(index, defaultTimeoutMs);
        recovery.recover(store, snapshot, snapshots.position());
        snapshots.reconcileResumed(recovery.resumedHalves(), store.recoveredEndOffset());
        TransactionCoordinator coordinator = new TransactionCoordinator(store, index, snapshots, clock, storeHost,
                defaultTimeoutMs);
        snapshots.save(index.takeDirty(), store.recoveredEndOffset());
        return coordinator;
    }

    /** The pending transactions (register listeners here; read it for admin queries). */
    public PendingIndex index() {
        return index;
    }

    /**
     * Changes {@code transactionTimeOut} for halves stored from now on (those pending keep the deadline they were
     * stored with, which their snapshot and check state already hold).
     */
    public void defaultTimeoutMs(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("transaction timeout must be positive, was " + timeoutMs);
        }
        this.defaultTimeoutMs = timeoutMs;
    }

    /**
     * Stores the half message of {@code message} (the producer's message, on its real topic and
     * queue) and makes the transaction pending.
     */
    public CompletableFuture<PrepareResult> prepare(RecordDraft message) {
        String txId = MessageProperties.find(message.properties(), MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        return storeHalf(TransactionRecords.half(message), txId, offset -> { });
    }

    /**
     * Appends a half record and, once stored, makes its transaction pending and calls {@code stored}
     * with its offset (before the snapshot position may pass it).
     */
    CompletableFuture<PrepareResult> storeHalf(ByteBuffer halfRecord, String txId, LongConsumer stored) {
        return appends.append(List.of(halfRecord), result -> {
            if (!result.ok()) { // (a half written whose flush failed is pending again after a restart, if it is there)
                return new PrepareResult(result.status(), result.records().isEmpty() ? null : result.first(), txId);
            }
            long offset = result.first().commitLogOffset();
            RecordView half = RecordView.of(store.readRecord(offset));
            PendingTransaction t = HalfMessages.pending(half, offset, defaultTimeoutMs);
            retried.stored(t, t.transactionId() == null ? null : index.byTransactionId(t.transactionId()).orElse(null));
            index.putNew(t);
            try {
                stored.accept(offset);
            } catch (RuntimeException e) { // the transaction is pending all the same; recovery redoes what failed
                LOG.error("after storing the half of transaction {} at {}", t.transactionId(), offset, e);
            }
            return new PrepareResult(AppendStatus.OK, result.first(), t.transactionId());
        });
    }

    /**
     * Makes a given-up transaction pending again (RocketMQ's RESUME_CHECK_HALF_MESSAGE); see
     * {@link GivenUpResumer#resume}.
     */
    public CompletableFuture<EndResult> resume(long copyOffset) {
        return resumer.resume(copyOffset);
    }

    /**
     * The pending transaction an END names: by its half's offset, else by its transaction id if the pending half with
     * that id was carried forward from the one named (or no offset is named). Another half with the same id is a
     * retried send's copy, which an END for the named one must not resolve. Whoever checks an END before it is
     * applied must look it up the same way. A half at the offset with another transaction id is not the one named (an
     * END sent to another broker of the group than its half's, by a stale address, must not resolve it).
     */
    public Optional<PendingTransaction> find(long halfOffset, String transactionId) {
        Optional<PendingTransaction> named = index.get(halfOffset).filter(t -> transactionId == null
                || t.transactionId() == null || t.transactionId().equals(transactionId));
        if (named.isPresent() || transactionId == null) {
            return named;
        }
        return index.byTransactionId(transactionId).filter(t -> halfOffset < 0 || carriedFrom(t, halfOffset));
    }

    private boolean carriedFrom(PendingTransaction t, long halfOffset) {
        ByteBuffer record = store.readRecord(t.halfOffset());
        return record != null && TransactionRecords.carriedFrom(RecordView.of(record), halfOffset);
    }

    /** Applies an answer, at most once per transaction; see {@link EndStatus} for what can happen. */
    public CompletableFuture<EndResult> end(EndRequest request) {
        Optional<PendingTransaction> found = find(request.halfOffset(), request.transactionId());
        if (found.isEmpty()) {
            return done(NotPending.answer(request, index, store));
        }
        PendingTransaction t = found.get();
        if (request.by() != Resolver.ADMIN && !t.producerGroup().equals(request.producerGroup())) {
            return done(new EndResult(EndStatus.WRONG_GROUP, t.state(), "transaction " + t.transactionId()
                    + " belongs to producer group " + t.producerGroup() + ", not " + request.producerGroup()));
        }
        if (request.decision() == Decision.UNKNOWN) {
            if (request.by() == Resolver.CHECK) {
                index.modify(t.halfOffset(), current -> current.withDeferredCheck("producer answered UNKNOWN",
                        current.nextCheckMs()));
            }
            return done(new EndResult(EndStatus.IGNORED_UNKNOWN, TransactionState.PENDING,
                    "transaction " + t.transactionId() + " stays pending; it will be checked again"));
        }
        if (claimForResolution(t.halfOffset()).isEmpty()) {
            CompletableFuture<Void> carry = carrying.get(t.halfOffset());
            if (carry != null) { // applied once the copy has taken its place (found again by id) or failed
                return carry.thenCompose(ignored -> end(request));
            }
            CompletableFuture<Void> other = resolving.get(t.halfOffset());
            if (other != null) { // another resolution is being written: if the store refuses it, this answer still counts
                return other.thenComposeAsync(ignored -> end(request)); // (not on the thread that flushed the other)
            }
            if (index.get(t.halfOffset()).filter(p -> p.state() == TransactionState.PENDING).isPresent()) {
                return end(request); // that other one ended between the claim and the look: pending again, try anew
            }
            return done(index.get(t.halfOffset()).isPresent()
                    ? new EndResult(EndStatus.IN_PROGRESS, TransactionState.RESOLVING,
                    "another answer for transaction " + t.transactionId() + " is being recorded; this one is ignored")
                    : NotPending.answer(request, index, store));
        }
        return resolve(t, request.decision() == Decision.COMMIT ? OpKind.COMMIT : OpKind.ROLLBACK, request.by().name());
    }

    /** Gives a transaction up by policy: rolled back, and its half copied to {@link TxnTopics#CHECK_MAX_TIME}. */
    public CompletableFuture<EndResult> giveUp(long halfOffset) {
        Optional<PendingTransaction> claimed = claimForResolution(halfOffset);
        if (claimed.isEmpty()) {
            return done(new EndResult(EndStatus.NOT_FOUND, null, "transaction at " + halfOffset + " is not pending"));
        }
        return resolve(claimed.get(), OpKind.GIVE_UP, Resolver.POLICY.name());
    }

    /**
     * Claims the transaction at {@code halfOffset} for a resolution, registered in {@link #resolving} before the claim is
     * taken, so that an answer finding the claim taken finds what to wait for; empty (nothing held) if it is taken.
     */
    private Optional<PendingTransaction> claimForResolution(long halfOffset) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        if (resolving.putIfAbsent(halfOffset, settled) != null) {
            return Optional.empty();
        }
        Optional<PendingTransaction> claimed = index.claim(halfOffset);
        if (claimed.isEmpty()) {
            resolving.remove(halfOffset, settled);
            settled.complete(null);
        }
        return claimed;
    }

    /** Resolves a transaction {@link #claimForResolution claimed}; its entry in {@link #resolving} goes when done. */
    private CompletableFuture<EndResult> resolve(PendingTransaction t, OpKind asked, String askedBy) {
        CompletableFuture<Void> settled = resolving.get(t.halfOffset());
        CompletableFuture<EndResult> result;
        try {
            result = resolveClaimed(t, asked, askedBy);
        } catch (RuntimeException e) { // (the answers waiting on this one must not wait for ever)
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((r, e) -> {
            if (e != null) { // failed before its records were written: pending again, to be checked and answered anew
                unclaim(t, asked == OpKind.COMMIT);
                LOG.error("resolving transaction {} ({} by {}) failed; it stays pending", t.transactionId(), asked,
                        askedBy, e);
            }
            resolving.remove(t.halfOffset(), settled);
            settled.complete(null);
        });
    }

    private CompletableFuture<EndResult> resolveClaimed(PendingTransaction t, OpKind asked, String askedBy) {
        ByteBuffer halfBytes = store.readRecord(t.halfOffset());
        long committedCopy = asked == OpKind.COMMIT ? retried.claimCommit(t, halfBytes) : -1;
        OpKind kind = committedCopy >= 0 ? OpKind.ROLLBACK : asked; // one message, delivered once
        String by = committedCopy >= 0 ? askedBy + ", duplicate of the committed half at " + committedCopy : askedBy;
        if (halfBytes == null && kind == OpKind.COMMIT) { // (a rollback or give-up needs only its op record)
            unclaim(t, true);
            return done(new EndResult(EndStatus.NOT_FOUND, TransactionState.PENDING,
                    "the half message of transaction " + t.transactionId() + " is not readable at " + t.halfOffset()
                            + " (the log is damaged there): it cannot be committed"));
        }
        long now = clock.millis();
        String note = halfBytes == null ? by + ", half unreadable (damaged log)" : by;
        ByteBuffer op = TransactionRecords.op(kind, t.halfOffset(), note, t.checkCount(), 0, storeHost, now);
        List<ByteBuffer> records = switch (kind) {
            case COMMIT -> List.of(TransactionRecords.committed(RecordView.of(halfBytes), t.halfOffset()), op);
            case GIVE_UP -> halfBytes == null ? List.of(op) : List.of(op, TransactionRecords.giveUpCopy(RecordView.of(halfBytes)));
            default -> List.of(op);
        };
        TransactionState outcome = kind == OpKind.COMMIT ? TransactionState.COMMITTED
                : kind == OpKind.ROLLBACK ? TransactionState.ROLLED_BACK : TransactionState.GIVEN_UP;
        return appends.appendUnhurried(records, (AppendResult result) -> {
            if (!result.ok()) {
                unclaim(t, asked == OpKind.COMMIT && committedCopy < 0);
                return new EndResult(EndStatus.STORE_REFUSED, TransactionState.PENDING,
                        "transaction " + t.transactionId() + " stays pending: " + result.status().description());
            }
            // a duplicate's message is committed: later answers are told so (not that it was rolled back)
            index.resolve(t.halfOffset(), outcome, committedCopy >= 0 ? TransactionState.COMMITTED : outcome);
            retried.resolved(t);
            LOG.debug("transaction {} {} by {}", t.transactionId(), outcome, by);
            return new EndResult(EndStatus.APPLIED, outcome, "transaction " + t.transactionId() + " " + outcome
                    + (committedCopy >= 0 ? ": its message was committed from the half at " + committedCopy
                    + " (a retried send stored it twice); this copy is rolled back" : ""));
        });
    }

    /** A claimed transaction is pending again, nothing written for it ({@code commit}: its message's claim goes too). */
    private void unclaim(PendingTransaction t, boolean commit) {
        if (commit) {
            retried.commitFailed(t);
        }
        index.release(t.halfOffset());
    }

    /** What the check-back service reads and records of pending transactions. */
    public CheckBook checks() {
        return checks;
    }

    /** Pending transactions matching {@code query}, oldest first, one page. */
    public PendingPage list(PendingQuery query) {
        return query.page(index.view(), clock.millis());
    }

    /** Resolves a pending transaction by hand (an operator's commit or rollback). */
    public CompletableFuture<EndResult> resolveByAdmin(String id, Decision decision) {
        Optional<PendingTransaction> t = find(id);
        if (t.isEmpty()) {
            Optional<TransactionState> state = TransactionIds.resolvedState(index, id);
            return done(state.isPresent() ? NotPending.alreadyResolved(new EndRequest(null, -1, id, decision, Resolver.ADMIN),
                    state.get()) : new EndResult(EndStatus.NOT_FOUND, null, "no pending transaction " + id));
        }
        return end(new EndRequest(null, t.get().halfOffset(), t.get().transactionId(), decision, Resolver.ADMIN));
    }

    /** Finds a pending transaction by half offset, offset message id or transaction id. */
    public Optional<PendingTransaction> find(String id) {
        return TransactionIds.find(index, id);
    }

    /**
     * Retention hook: copies every pending half in [{@code start}, {@code end}) forward, so the transaction outlives
     * the segment; see {@link HalfCarrier#carryForward}.
     */
    public void carryForward(long start, long end) {
        carrier.carryForward(start, end);
    }

    /**
     * Saves what changed in the pending set since the last snapshot. The snapshot never runs ahead of the
     * log on disk: every record it reflects was appended before its changes were taken, so the log is
     * flushed up to the written end first (under ASYNC_FLUSH a power loss could otherwise keep a snapshot
     * without the commit it reflects: the transaction neither committed nor pending). If the log does
     * not get there in time (a failed disk), the changes wait for the next snapshot.
     */
    public synchronized void checkpoint() {
        long position = appends.safePosition();
        Map<Long, PendingTransaction> changes = index.takeDirty();
        long reflected = store.writtenOffset();
        if (!store.awaitFlushed(reflected, SNAPSHOT_FLUSH_WAIT_MS)) {
            index.restoreDirty(changes);
            LOG.warn("transaction snapshot deferred: the log is not on disk up to {} after {} ms (flushed to {})",
                    reflected, SNAPSHOT_FLUSH_WAIT_MS, store.flushedOffset());
            return;
        }
        try {
            snapshots.save(changes, position);
        } catch (RuntimeException e) {
            index.restoreDirty(changes);
            throw e;
        }
    }

    /** The offset message id of a half at {@code halfOffset}. */
    public String offsetMessageId(long halfOffset) {
        return new OffsetMessageId(storeHost, halfOffset).encode();
    }

    private static CompletableFuture<EndResult> done(EndResult r) {
        return CompletableFuture.completedFuture(r);
    }
}
