package dev.halfmoon.broker.delay;

import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoredRecord;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, before the schedule delivers anything: finds in the log, from the recorded scan position
 * to the recovered end, the delayed messages delivered before a crash whose progress commit the crash
 * lost, and counts them as delivered. A mark counts only if the schedule record it names is the one
 * the message came from (same real topic and body), so a stray or forged mark changes nothing.
 */
final class ScheduleRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRecovery.class);

    private final LogStore store;
    private final ConsumerOffsets offsets;
    /** The highest level delivered (see {@link ScheduleService}): its queue and those below are looked at. */
    private final int highestLevel;

    ScheduleRecovery(LogStore store, ConsumerOffsets offsets, int highestLevel) {
        this.store = store;
        this.offsets = offsets;
        this.highestLevel = highestLevel;
    }

    void countDeliveriesACrashForgot() {
        clampProgressToQueues();
        long from = offsets.get(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0);
        long end = store.recoveredEndOffset();
        if (from < 0) {
            return;
        }
        if (from > end) { // the log lost a tail the metadata kept: nothing above its end was delivered
            offsets.reset(ScheduleService.PROGRESS_GROUP, ScheduleService.SCAN_FROM, 0, end);
            return;
        }
        int[] counted = {0};
        store.scan(from, end, (record, offset) -> {
            if (count(record)) { // (a timer message's next hop, on the schedule topic, is marked too)
                counted[0]++;
            }
        });
        if (counted[0] > 0) {
            LOG.info("{} delayed messages delivered before a crash counted as delivered, not delivered again", counted[0]);
        }
    }

    /**
     * A level whose progress is beyond its queue's end (the log lost a tail the metadata kept: ASYNC_FLUSH and a
     * power loss) goes back to the end: new delayed messages take the offsets in between, and the level would
     * never read them.
     */
    private void clampProgressToQueues() {
        for (int level = 1; level <= highestLevel; level++) {
            long progress = offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, level - 1);
            long end = store.maxQueueOffset(Scheduling.TOPIC, level - 1);
            if (progress > end) {
                LOG.warn("delay level {}: progress {} is beyond its queue's end {} (the log lost a tail); reset to {}",
                        level, progress, end, end);
                offsets.reset(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, level - 1, end);
            }
        }
    }

    /** Advances the progress of the level {@code delivered} came from, if it names its schedule record truly. */
    private boolean count(RecordView delivered) {
        String origin = MessageProperties.find(delivered.propertiesString(), ScheduleService.DELAY_FROM);
        int colon = origin == null ? -1 : origin.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        int level;
        long scheduleOffset;
        try {
            level = Integer.parseInt(origin.substring(0, colon));
            scheduleOffset = Long.parseLong(origin.substring(colon + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (level < 1 || level > highestLevel || scheduleOffset < 0
                || scheduleOffset + 1 <= offsets.get(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, level - 1)
                || !cameFrom(delivered, level - 1, scheduleOffset)) {
            return false;
        }
        offsets.commit(ScheduleService.PROGRESS_GROUP, Scheduling.TOPIC, level - 1, scheduleOffset + 1);
        return true;
    }

    private boolean cameFrom(RecordView delivered, int queueId, long scheduleOffset) {
        List<StoredRecord> read = store.readQueue(Scheduling.TOPIC, queueId, scheduleOffset, 1, 1 << 22, null).records();
        if (read.isEmpty() || read.get(0).queueOffset() != scheduleOffset) {
            return false;
        }
        RecordView scheduled = RecordView.of(read.get(0).bytes());
        String realTopic = Scheduling.TOPIC.equals(delivered.topic()) // a timer message's next hop
                ? MessageProperties.find(delivered.propertiesString(), MessageProperty.REAL_TOPIC) : delivered.topic();
        return realTopic != null && realTopic.equals(MessageProperties.find(scheduled.propertiesString(),
                MessageProperty.REAL_TOPIC)) && delivered.body().equals(scheduled.body());
    }
}
