package dev.halfmoon.broker.delay;

import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.log.AppendResult;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.QueueReadResult;
import dev.halfmoon.log.ReadStatus;
import dev.halfmoon.log.ServiceThread;
import dev.halfmoon.log.Signal;
import dev.halfmoon.log.StoredRecord;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordView;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers delayed messages when their time comes: for each level it reads the schedule queue in
 * order (all records of a level wait the same, so they come due in order), puts each due record
 * back on its real topic and queue (without {@code DELAY}, so it can never loop), and remembers
 * the level's progress as a committed offset, which survives restarts. It sleeps until the
 * earliest known due time, at most a second. Runs on {@code halfmoon-schedule}.
 *
 * <p>Exactly once across a crash: each delivered message names the schedule record it came from
 * ({@code HM_DELAY_FROM} = level:queue offset), and before each batch the service records a log
 * position below which every delivery's progress is committed (written after those commits, so a
 * store that kept it kept them). At start {@link ScheduleRecovery} scans the log from that position
 * and counts the deliveries it finds there whose progress a crash lost, instead of delivering them
 * again. This holds across a process crash and, under SYNC_FLUSH, a power loss; under ASYNC_FLUSH a
 * power loss can lose a delivery that was not yet flushed, as it can lose any message.
 */
public final class ScheduleService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleService.class);
    /** The group under which each level's progress is committed. */
    static final String PROGRESS_GROUP = dev.halfmoon.remoting.body.SystemNames.SCHEDULE_GROUP;
    /** Under {@link #PROGRESS_GROUP}: the log position from which start-up looks for uncounted deliveries. */
    static final String SCAN_FROM = "SCAN_FROM";
    /** On a delivered message: level ":" schedule queue offset of the record it came from. */
    static final String DELAY_FROM = "HM_DELAY_FROM";
    /** A record stored at most this far ahead of the clock is not taken for a clock stepped back. */
    private static final long STEP_TOLERANCE_MS = 1000;
    private static final int BATCH = 64;
    /** Schedule queues beyond the configured levels looked at for messages left there (far more than any list has). */
    private static final int MAX_QUEUES = 256;

    private final LogStore store;
    private final ConsumerOffsets offsets;
    private final DelayLevels levels;
    private final Clock clock;
    private final ServiceThread loop;
    private volatile long nextDueMs;
    /** The highest level delivered: the configured ones, and any beyond them whose queue still holds messages. */
    private final int highestLevel;
    /** An append failed and its record was not delivered since: the scan position must not pass it. */
    private boolean deliveryUncommitted;

    public ScheduleService(LogStore store, ConsumerOffsets offsets, DelayLevels levels, Clock clock) {
        this.store = store;
        this.offsets = offsets;
        this.levels = levels;
        this.clock = clock;
        this.highestLevel = highestLevel(store, offsets, levels);
        this.loop = new ServiceThread("schedule", this::turn, new Signal(),
                () -> Math.max(1, Math.min(1000, nextDueMs - clock.millis())));
    }

    /**
     * The highest level to deliver: {@code messageDelayLevel} may have been shortened since messages were delayed at
     * levels it no longer has; they are delivered after its longest delay (RocketMQ leaves them for ever).
     */
    private static int highestLevel(LogStore store, ConsumerOffsets offsets, DelayLevels levels) {
        int highest = levels.max();
        long waiting = 0;
        for (int queueId = levels.max(); queueId < MAX_QUEUES; queueId++) {
            long left = store.maxQueueOffset(Scheduling.TOPIC, queueId) - Math.max(store.minQueueOffset(Scheduling.TOPIC,
                    queueId), offsets.get(PROGRESS_GROUP, Scheduling.TOPIC, queueId));
            if (left > 0) {
                highest = queueId + 1;
                waiting += left;
            }
        }
        if (highest > levels.max()) {
            LOG.warn("{} delayed messages wait at levels up to {}, beyond the {} levels messageDelayLevel has now; they "
                    + "are delivered after its longest delay ({} ms)", waiting, highest, levels.max(),
                    levels.delayMs(levels.max()));
        }
        return highest;
    }

    public ScheduleService start() {
        new ScheduleRecovery(store, offsets, highestLevel).countDeliveriesACrashForgot();
        loop.start();
        return this;
    }

    private int turn() {
        long now = clock.millis();
        long next = now + 1000;
        int delivered = 0;
        for (int level = 1; level <= highestLevel; level++) {
            long[] result = deliver(level, now);
            delivered += (int) result[0];
            next = Math.min(next, result[1]);
        }
        nextDueMs = next;
        return delivered > 0 ? delivered : 0;
    }

    /** Delivers what is due on one level; returns {delivered, next due time}. */
    private long[] deliver(int level, long now) {
        if (!deliveryUncommitted) {
            // every delivery so far has its progress committed: later ones are appended at or above this
            offsets.commit(PROGRESS_GROUP, SCAN_FROM, 0, store.writtenOffset());
        }
        int queueId = level - 1;
        long offset = Math.max(offsets.get(PROGRESS_GROUP, Scheduling.TOPIC, queueId),
                store.minQueueOffset(Scheduling.TOPIC, queueId));
        QueueReadResult read = store.readQueue(Scheduling.TOPIC, queueId, offset, BATCH, 1 << 20, null);
        if (read.status() == ReadStatus.CORRUPT_RECORD && read.nextOffset() == offset) {
            // the store reported it and will never serve it; waiting on it would stop every later delayed message and
            // retry of this level for good
            LOG.error("delay level {}: the schedule record at queue offset {} (commit-log offset {}) is corrupt; it is "
                    + "skipped, its message lost", level, offset, read.corruptAt());
            offsets.commit(PROGRESS_GROUP, Scheduling.TOPIC, queueId, offset + 1);
            return new long[] {0, now}; // the next one is looked at in the next turn
        }
        if (read.status() != ReadStatus.FOUND) {
            if (read.nextOffset() > offset && read.status() != ReadStatus.OFFSET_OVERFLOW_BADLY) {
                offsets.commit(PROGRESS_GROUP, Scheduling.TOPIC, queueId, read.nextOffset());
            }
            return new long[] {0, Long.MAX_VALUE};
        }
        long delivered = 0;
        for (StoredRecord record : read.records()) {
            RecordView view = RecordView.of(record.bytes());
            long due = view.storeTimestamp() + levels.delayMs(level);
            // stored "in the future": the clock was stepped back since, and waiting out the step would hold this level's
            // every message behind it; due at once, as RocketMQ's correctDeliverTimestamp. The clock is read afresh
            // (a record stored while this turn runs is after its now) and a step under a second is waited out.
            long current = clock.millis();
            if (view.storeTimestamp() > current + STEP_TOLERANCE_MS) {
                due = current;
            }
            if (due > now) {
                return new long[] {delivered, due};
            }
            AppendResult put = store.append(RecordEncoder.encode(next(view, level, record.queueOffset(), now))).join();
            if (!put.ok()) {
                // a refused append may still have written its bytes (a failed fsync): keep the scan position below it
                deliveryUncommitted = true;
                LOG.warn("cannot deliver a delayed message yet ({}); retrying", put.status().description());
                return new long[] {delivered, now + 1000};
            }
            offsets.commit(PROGRESS_GROUP, Scheduling.TOPIC, queueId, record.queueOffset() + 1);
            deliveryUncommitted = false;
            delivered++;
        }
        return new long[] {delivered, delivered == BATCH ? now : Long.MAX_VALUE};
    }

    /**
     * What a due schedule record becomes: the message on its real topic, or, for a timer message whose time has not
     * come, its next hop (marked like a delivery, so a crash neither repeats nor loses it).
     */
    RecordDraft next(RecordView record, int level, long scheduleOffset, long now) {
        RecordDraft back = backToRealTopic(record, level, scheduleOffset);
        String at = MessageProperties.find(back.properties(), MessageProperty.TIMER_DELIVER_MS);
        if (at == null) {
            return back;
        }
        long left;
        try {
            left = Long.parseLong(at) - now;
        } catch (NumberFormatException e) { // (checked when it was sent)
            return back;
        }
        if (Scheduling.hop(levels, left) == 0) {
            return back;
        }
        try {
            return Scheduling.route(back, levels, now);
        } catch (IllegalArgumentException e) { // (more than 3 days left: the clock was stepped back a long way)
            LOG.warn("timer message {} on {}: {}; delivered now", scheduleOffset, back.topic(), e.getMessage());
            return back;
        }
    }

    static RecordDraft backToRealTopic(RecordView record, int level, long scheduleOffset) {
        Map<String, String> props = record.properties();
        String topic = props.get(MessageProperty.REAL_TOPIC);
        int queueId = Integer.parseInt(props.getOrDefault(MessageProperty.REAL_QUEUE_ID, "0"));
        props.remove(MessageProperty.DELAY_TIME_LEVEL);
        props.put(DELAY_FROM, level + ":" + scheduleOffset);
        return new RecordDraft(topic, queueId, record.flag(), record.sysFlag(), record.bornTimestamp(), record.bornHost(),
                record.storeHost(), record.reconsumeTimes(), record.preparedTransactionOffset(), record.body(),
                MessageProperties.encode(props));
    }

    @Override
    public void close() {
        loop.close();
    }
}
