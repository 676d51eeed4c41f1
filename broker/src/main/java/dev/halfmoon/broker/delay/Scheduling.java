package dev.halfmoon.broker.delay;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import java.util.Map;

/**
 * Where a delayed message waits: a message with {@code DELAY} = n &gt; 0 is stored on
 * {@code SCHEDULE_TOPIC_XXXX}, queue n-1 (levels above the highest use the highest), with its real
 * topic and queue kept in {@code REAL_TOPIC} / {@code REAL_QID}, until the {@link ScheduleService}
 * puts it back.
 *
 * <p>RocketMQ 5's timer messages ({@code TIMER_DELIVER_MS}, {@code TIMER_DELAY_SEC}, {@code TIMER_DELAY_MS}) wait on
 * the same levels in hops: each hop takes the longest level that does not pass the delivery time (the shortest if
 * less than it is left), and when it ends the next hop is taken, until the time has come; so they are delivered
 * no earlier than asked and at most the shortest level (1 s by default) later. A level, if also given, wins (as in
 * RocketMQ). Stateless.
 */
public final class Scheduling {
    public static final String TOPIC = dev.halfmoon.broker.send.SystemTopics.SCHEDULE;
    /** The longest wait a timer message may ask for (RocketMQ's timerMaxDelaySec default). */
    public static final long MAX_TIMER_DELAY_MS = 3L * 24 * 3600 * 1000;

    private Scheduling() {
    }

    /**
     * The draft as stored: rerouted to the schedule topic if it asks for a delay, else unchanged.
     *
     * @throws IllegalArgumentException if its timer properties are not numbers, or ask for more than 3 days
     */
    public static RecordDraft route(RecordDraft draft, DelayLevels levels, long nowMs) {
        if (TOPIC.equals(draft.topic())) {
            return draft;
        }
        int level = level(draft.properties());
        if (level <= 0 && !draft.properties().contains("TIMER_")) {
            return draft; // (most messages: no property map built)
        }
        Map<String, String> props = MessageProperties.decode(draft.properties());
        if (level > 0) {
            props.remove(MessageProperty.TIMER_DELIVER_MS);
            props.remove(MessageProperty.TIMER_DELAY_SEC);
            props.remove(MessageProperty.TIMER_DELAY_MS);
            return toLevel(draft, props, Math.min(level, levels.max()));
        }
        long deliverAt = deliverAt(props, nowMs);
        if (deliverAt < 0) {
            return draft;
        }
        props.remove(MessageProperty.TIMER_DELAY_SEC);
        props.remove(MessageProperty.TIMER_DELAY_MS);
        props.put(MessageProperty.TIMER_DELIVER_MS, Long.toString(deliverAt)); // what every hop reads
        int hop = hop(levels, deliverAt - nowMs);
        return hop == 0 ? draft.withProperties(MessageProperties.encode(props)) : toLevel(draft, props, hop);
    }

    /** Whether {@code properties} ask for a delay: a level, or a timer. */
    public static boolean delayed(String properties) {
        return level(properties) > 0 || MessageProperties.find(properties, MessageProperty.TIMER_DELIVER_MS) != null
                || MessageProperties.find(properties, MessageProperty.TIMER_DELAY_SEC) != null
                || MessageProperties.find(properties, MessageProperty.TIMER_DELAY_MS) != null;
    }

    /**
     * The level of the next hop of a timer message with {@code leftMs} to wait: the longest level not longer than it,
     * the shortest if all are; 0 if the time has come.
     */
    static int hop(DelayLevels levels, long leftMs) {
        if (leftMs <= 0) {
            return 0;
        }
        int longest = 0;
        int shortest = 1;
        for (int level = 1; level <= levels.max(); level++) { // (levels need not grow: "1s 5s 2s" is allowed)
            long ms = levels.delayMs(level);
            if (ms <= leftMs && (longest == 0 || ms > levels.delayMs(longest))) {
                longest = level;
            }
            if (ms < levels.delayMs(shortest)) {
                shortest = level;
            }
        }
        return longest != 0 ? longest : shortest;
    }

    /** When a timer message is to be delivered (ms since 1970), or -1 if it is none. */
    static long deliverAt(Map<String, String> props, long nowMs) {
        String at = props.get(MessageProperty.TIMER_DELIVER_MS);
        String sec = props.get(MessageProperty.TIMER_DELAY_SEC);
        String ms = props.get(MessageProperty.TIMER_DELAY_MS);
        if (at == null && sec == null && ms == null) {
            return -1;
        }
        long deliverAt;
        try {
            deliverAt = at != null ? Long.parseLong(at.trim()) : sec != null
                    ? nowMs + Math.multiplyExact(Long.parseLong(sec.trim()), 1000L) : nowMs + Long.parseLong(ms.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("timer message property is not a number: " + (at != null
                    ? MessageProperty.TIMER_DELIVER_MS + "=" + at : sec != null ? MessageProperty.TIMER_DELAY_SEC + "=" + sec
                    : MessageProperty.TIMER_DELAY_MS + "=" + ms));
        }
        if (deliverAt - nowMs > MAX_TIMER_DELAY_MS) {
            throw new IllegalArgumentException("timer message asks to wait " + (deliverAt - nowMs) / 1000
                    + " s; at most " + MAX_TIMER_DELAY_MS / 1000 + " s (3 days)");
        }
        return Math.max(deliverAt, nowMs);
    }

    private static int level(String properties) {
        String delay = MessageProperties.find(properties, MessageProperty.DELAY_TIME_LEVEL);
        try {
            return delay == null ? 0 : Integer.parseInt(delay.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static RecordDraft toLevel(RecordDraft draft, Map<String, String> props, int level) {
        props.put(MessageProperty.REAL_TOPIC, draft.topic());
        props.put(MessageProperty.REAL_QUEUE_ID, Integer.toString(draft.queueId()));
        props.put(MessageProperty.DELAY_TIME_LEVEL, Integer.toString(level));
        return draft.withDestination(TOPIC, level - 1, draft.sysFlag()).withProperties(MessageProperties.encode(props));
    }
}
