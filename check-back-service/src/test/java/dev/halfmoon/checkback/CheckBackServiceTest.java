package dev.halfmoon.checkback;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.ConsumeQueueConfig;
import dev.halfmoon.log.FlushMode;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.txn.CheckRequest;
import dev.halfmoon.txn.Decision;
import dev.halfmoon.txn.EndRequest;
import dev.halfmoon.txn.EndResult;
import dev.halfmoon.txn.EndStatus;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.PrepareResult;
import dev.halfmoon.txn.Resolver;
import dev.halfmoon.txn.TransactionCoordinator;
import dev.halfmoon.txn.TxnTopics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real coordinator over a real store; the transport is a recorder standing in for producers. */
@Timeout(60)
class CheckBackServiceTest {
    static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);
    static final long TIMEOUT = 300;

    /** What a producer side would see: every check-back, when it came. */
    static final class RecordingTransport implements CheckTransport {
        record Call(long atMs, long halfOffset, int checkTimes, String topic) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final AtomicBoolean producerOnline = new AtomicBoolean(true);
        /** The producer goes offline by itself after this many check-backs reached it (-1: never). */
        volatile int offlineAfter = -1;
        volatile long failFor = -1;
        volatile boolean failWithError;
        /** Whether a group without a live producer is said to be unreachable before its half is read. */
        volatile boolean tellsUnreachable;

        @Override
        public String unreachable(String producerGroup) {
            return tellsUnreachable && !producerOnline.get() ? "no live producer in group " + producerGroup : null;
        }

        @Override
        public boolean absent(String producerGroup) {
            return !producerOnline.get();
        }

        @Override
        public Delivery send(CheckRequest request) {
            if (request.transaction().halfOffset() == failFor) {
                if (failWithError) {
                    throw new AssertionError("transport broke badly for this one");
                }
                throw new IllegalStateException("transport broke for this one");
            }
            if (!producerOnline.get() || (offlineAfter >= 0 && calls.size() >= offlineAfter)) {
                return Delivery.notSent("no live producer in group " + request.transaction().producerGroup());
            }
            RecordView body = RecordView.of(request.body());
            calls.add(new Call(System.currentTimeMillis(), request.transaction().halfOffset(),
                    Integer.parseInt(body.properties().get(MessageProperty.TRANSACTION_CHECK_TIMES)), body.topic()));
            return Delivery.sentTo("client-1@" + request.transaction().bornHost());
        }

        long callsFor(long halfOffset) {
            return calls.stream().filter(c -> c.halfOffset() == halfOffset).count();
        }
    }

    @TempDir
    Path dir;
    MetadataStore metadata;
    LogStore store;
    TransactionCoordinator coordinator;
    CheckBackService service;
    RecordingTransport transport = new RecordingTransport();
    CheckPolicy policy = new CheckPolicy(4, 1200, 50, 200);

    void open() {
        StoreConfig config = StoreConfig.defaults(dir).withCommitLog(CommitLogConfig.defaults()
                .withSegmentSizeBytes(1 << 20).withFlushMode(FlushMode.SYNC_FLUSH)).withConsumeQueue(new ConsumeQueueConfig(1024, true));
        metadata = MetadataStore.open(config.metadataDir());
        store = LogStore.open(config, metadata, StoreHooks.defaults().withDispatchFilter(r -> !TxnTopics.isHidden(r.topic())));
        coordinator = TransactionCoordinator.open(store, metadata, Clock.systemUTC(), HOST, TIMEOUT);
        store.start(List.of());
        service = new CheckBackService(coordinator, transport, policy, Clock.systemUTC()).start();
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
            coordinator.checkpoint();
            store.close();
            metadata.close();
            service = null;
        }
    }

    PrepareResult prepare(String body, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperty.TRANSACTION_PREPARED, "true");
        props.put(MessageProperty.PRODUCER_GROUP, "PG");
        props.put(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "TX-" + body);
        props.putAll(extra);
        return coordinator.prepare(new RecordDraft("orders", 2, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), MessageProperties.encode(props))).join();
    }

    @Test
    void theFirstCheckGoesOutWithinATickOfTheDeadlineWithTheRealTopicAndCount() {
        open();
        PrepareResult half = prepare("a", Map.of());
        long stored = half.half().storeTimestamp();
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(half.half().commitLogOffset()) >= 1);
        RecordingTransport.Call first = transport.calls.get(0);
        assertTrue(first.atMs() >= stored + TIMEOUT, "checked before the deadline");
        assertTrue(first.atMs() <= stored + TIMEOUT + 1000, "first check " + (first.atMs() - stored - TIMEOUT) + " ms late");
        assertEquals(1, first.checkTimes());
        assertEquals("orders", first.topic());
    }

    @Test
    void checksBackOffThenTheTransactionIsGivenUpAndNeverCheckedAgain() {
        open();
        PrepareResult half = prepare("b", Map.of());
        long offset = half.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(15)).until(() -> coordinator.index().get(offset).isEmpty() && service.givenUpCount() > 0);
        assertEquals(4, transport.callsFor(offset));
        List<RecordingTransport.Call> calls = transport.calls;
        long gap1 = calls.get(1).atMs() - calls.get(0).atMs();
        long gap2 = calls.get(2).atMs() - calls.get(1).atMs();
        long gap3 = calls.get(3).atMs() - calls.get(2).atMs();
        assertTrue(gap1 >= TIMEOUT - 20 && gap1 < TIMEOUT + 300, "gap1 " + gap1);
        assertTrue(gap2 >= 2 * TIMEOUT - 20 && gap2 < 2 * TIMEOUT + 300, "gap2 " + gap2);
        assertTrue(gap3 >= 1200 - 20 && gap3 < 1200 + 300, "gap3 capped at the interval: " + gap3);
        assertEquals(1, service.givenUpCount());
        await().until(() -> store.maxQueueOffset(TxnTopics.CHECK_MAX_TIME, 0) == 1);
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertEquals(4, transport.callsFor(offset));
    }

    /** RocketMQ's RESUME_CHECK_HALF_MESSAGE, done safely: once per given-up copy, durably. */
    @Test
    void aGivenUpTransactionResumedFromItsCopyIsCheckedAgainAndCanBeResumedOnlyOnce() {
        open();
        PrepareResult half = prepare("r", Map.of());
        long offset = half.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(15)).until(() -> store.maxQueueOffset(TxnTopics.CHECK_MAX_TIME, 0) == 1);
        long copy = store.readQueue(TxnTopics.CHECK_MAX_TIME, 0, 0, 1, 1 << 20, null).records().get(0).commitLogOffset();
        assertEquals(EndStatus.NOT_FOUND, coordinator.resume(offset).join().status(), "a half is not a given-up copy");

        EndResult resumed = coordinator.resume(copy).join();
        assertEquals(EndStatus.APPLIED, resumed.status(), resumed.message());
        PendingTransaction again = coordinator.find(-1, half.transactionId()).orElseThrow();
        assertEquals(0, again.checkCount());
        assertEquals("orders", again.topic());
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(again.halfOffset()) >= 1);
        assertEquals(1, transport.calls.stream().filter(c -> c.halfOffset() == again.halfOffset()).findFirst().orElseThrow()
                .checkTimes(), "checks count from zero again");
        assertEquals(EndStatus.ALREADY_RESOLVED, coordinator.resume(copy).join().status(), "it is pending");

        EndResult commit = coordinator.end(new EndRequest("PG", again.halfOffset(), half.transactionId(), Decision.COMMIT,
                Resolver.CHECK)).join();
        assertEquals(EndStatus.APPLIED, commit.status(), commit.message());
        await().atMost(Duration.ofSeconds(5)).until(() -> store.maxQueueOffset("orders", 2) == 1);
        EndResult twice = coordinator.resume(copy).join();
        assertEquals(EndStatus.ALREADY_RESOLVED, twice.status(), "a committed transaction is never brought back");
        assertTrue(twice.message().contains("resumed before"), twice.message());
        close();
        open();
        assertEquals(EndStatus.ALREADY_RESOLVED, coordinator.resume(copy).join().status(), "remembered across a restart");
    }

    @Test
    void withoutALiveProducerNothingIsCountedOrLostAndChecksResumeWhenOneReturns() {
        transport.producerOnline.set(false);
        open();
        PrepareResult half = prepare("c", Map.of());
        long offset = half.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(5)).until(() -> service.deferredCount() >= 3);
        PendingTransaction waiting = coordinator.index().get(offset).orElseThrow();
        assertEquals(0, waiting.checkCount());
        assertTrue(waiting.lastCheckResult().contains("no live producer"), waiting.lastCheckResult());
        transport.producerOnline.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(offset) >= 1);
        assertEquals(1, transport.calls.get(0).checkTimes());
    }

    @Test
    void aCheckThatWentUnansweredIsCountedOnceHoweverOftenTheNextIsDeferred() {
        transport.offlineAfter = 1;
        open();
        PrepareResult half = prepare("u", Map.of());
        long offset = half.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.deferredCount() >= 3);
        assertEquals(1, transport.callsFor(offset));
        assertEquals(1, service.unansweredCount(), "the one check that went out and got no answer");
        assertEquals(1, coordinator.index().get(offset).orElseThrow().checkCount());
        transport.offlineAfter = -1;
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.callsFor(offset) >= 2);
        assertEquals(2, transport.calls.get(1).checkTimes());
    }

    @Test
    void resolvedTransactionsAreNeverCheckedAndImmunityDelaysTheFirstCheck() {
        open();
        PrepareResult resolved = prepare("d", Map.of());
        coordinator.end(new EndRequest("PG", resolved.half().commitLogOffset(), resolved.transactionId(), Decision.COMMIT,
                Resolver.PRODUCER)).join();
        PrepareResult immune = prepare("e", Map.of(MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS, "2"));
        PrepareResult normal = prepare("f", Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(normal.half().commitLogOffset()) >= 1);
        assertEquals(0, transport.callsFor(immune.half().commitLogOffset()));
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(immune.half().commitLogOffset()) >= 1);
        long firstImmune = transport.calls.stream().filter(c -> c.halfOffset() == immune.half().commitLogOffset())
                .findFirst().orElseThrow().atMs();
        assertTrue(firstImmune >= immune.half().storeTimestamp() + 2000);
        assertEquals(0, transport.callsFor(resolved.half().commitLogOffset()));
    }

    @Test
    void checkCountsSurviveARestart() {
        policy = new CheckPolicy(15, 60_000, 50, 200);
        open();
        PrepareResult half = prepare("g", Map.of());
        long offset = half.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.index().get(offset).orElseThrow().checkCount() == 2);
        close();
        transport.calls.clear();
        policy = new CheckPolicy(15, 600, 50, 200);
        open();
        assertEquals(2, coordinator.index().get(offset).orElseThrow().checkCount());
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(offset) >= 1);
        assertEquals(3, transport.calls.get(0).checkTimes());
    }

    @Test
    void aFailureWithOneTransactionDoesNotStopTheOthers() {
        open();
        PrepareResult broken = prepare("h", Map.of());
        transport.failFor = broken.half().commitLogOffset();
        PrepareResult fine = prepare("i", Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(fine.half().commitLogOffset()) >= 1);
        await().until(() -> service.failureCount() >= 1);
        transport.failFor = -1;
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(broken.half().commitLogOffset()) >= 1);
    }

    /** An Error (an OutOfMemoryError, say) while checking one transaction leaves it, and the others due, scheduled. */
    @Test
    void anErrorWhileCheckingOneTransactionLeavesItScheduled() {
        open();
        PrepareResult broken = prepare("j", Map.of());
        transport.failWithError = true;
        transport.failFor = broken.half().commitLogOffset();
        await().atMost(Duration.ofSeconds(5)).until(() -> service.failureCount() >= 1);
        transport.failFor = -1;
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(broken.half().commitLogOffset()) >= 1);
    }

    /** A half the log can no longer read (a damaged disk) cannot be checked back: given up at once, not spun on. */
    @Test
    void aHalfThatCannotBeReadIsGivenUpInsteadOfCheckedForEver() throws Exception {
        open();
        PrepareResult damaged = prepare("damaged", Map.of());
        long at = damaged.half().commitLogOffset();
        try (FileChannel segment = FileChannel.open(dir.resolve("commitlog").resolve(String.format("%020d", 0)),
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            segment.read(b, at + 20);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            segment.write(b.flip(), at + 20);
        }
        PrepareResult fine = prepare("fine", Map.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.index().get(at).isEmpty() && service.givenUpCount() > 0);
        assertEquals(1, service.givenUpCount());
        assertEquals(0, transport.callsFor(at));
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(fine.half().commitLogOffset()) >= 1);
        EndResult late = coordinator.end(new EndRequest("PG", at, "TX-damaged", Decision.COMMIT, Resolver.PRODUCER)).join();
        assertEquals(EndStatus.ALREADY_RESOLVED, late.status(), late.message());
    }

    /** A group that stays unreachable is tried again less and less often, up to the check interval, not every retryMs. */
    @Test
    void anUnreachableGroupsTransactionsWaitLongerEachTime() {
        transport.producerOnline.set(false);
        transport.tellsUnreachable = true;
        open();
        long at = prepare("absent", Map.of()).half().commitLogOffset();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.index().get(at).orElseThrow().nextCheckMs()
                - System.currentTimeMillis() > 2 * policy.retryMs());
        transport.producerOnline.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.callsFor(at) >= 1);
    }

    /** An immunity longer than the longest pending time: the transaction is still asked once before it is given up. */
    @Test
    void aTransactionWhoseImmunityOutlastsTheLongestPendingTimeIsCheckedBeforeItIsGivenUp() {
        policy = new CheckPolicy(15, 1200, 50, 200, 1_500);
        open();
        long at = prepare("immune-long", Map.of(MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS, "2")).half().commitLogOffset();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.index().get(at).isEmpty() && service.givenUpCount() > 0);
        assertEquals(1, transport.callsFor(at), "asked once, then given up for its age");
        assertEquals(1, service.givenUpCount());
    }

    /** A producer group that never comes back: its transactions do not stay pending for ever. */
    @Test
    void aTransactionWhoseGroupNeverComesBackIsGivenUpOnceItReachesTheLongestPendingTime() {
        policy = new CheckPolicy(15, 1200, 50, 200, 1_500);
        transport.producerOnline.set(false);
        open();
        long at = prepare("orphan", Map.of()).half().commitLogOffset();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.index().get(at).isEmpty() && service.givenUpCount() > 0);
        assertEquals(1, service.givenUpCount());
        assertEquals(0, transport.callsFor(at), "never sent: nobody to send it to");
        assertTrue(coordinator.index().resolvedState(at, null).isPresent());
    }
}
