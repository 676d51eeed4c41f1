package dev.halfmoon.broker.delay;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import java.util.Map;

/**
 * Where a delayed message waits: a message with {@code DELAY} = n &gt; 0 is stored on
 * {@code SCHEDULE_TOPIC_XXXX}, queue n-1 (levels above the highest use the highest), with its real
 * topic and queue kept in {@code REAL_TOPIC} / {@code REAL_QID}, until the {@link ScheduleService}
 * puts it back. Stateless.
 */
public final class Scheduling {
    public static final String TOPIC = dev.halfmoon.broker.send.SystemTopics.SCHEDULE;

    private Scheduling() {
    }

    /** The draft as stored: rerouted to the schedule topic if it asks for a delay, else unchanged. */
    public static RecordDraft route(RecordDraft draft, DelayLevels levels) {
        String delay = MessageProperties.find(draft.properties(), MessageProperty.DELAY_TIME_LEVEL);
        int level;
        try {
            level = delay == null ? 0 : Integer.parseInt(delay.trim());
        } catch (NumberFormatException e) {
            return draft;
        }
        if (level <= 0 || TOPIC.equals(draft.topic())) {
            return draft;
        }
        level = Math.min(level, levels.max());
        Map<String, String> props = MessageProperties.decode(draft.properties());
        props.put(MessageProperty.REAL_TOPIC, draft.topic());
        props.put(MessageProperty.REAL_QUEUE_ID, Integer.toString(draft.queueId()));
        props.put(MessageProperty.DELAY_TIME_LEVEL, Integer.toString(level));
        return draft.withDestination(TOPIC, level - 1, draft.sysFlag()).withProperties(MessageProperties.encode(props));
    }
}
