package dev.halfmoon.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The sums and rates mqadmin statsAll prints: last minute, hour and day, per topic and per topic and group. */
class KeyedStatsTest {
    /** A clock the test moves. */
    private static final class Hands extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        /** Moves on by one sampling period and samples, {@code times} times. */
        void tick(KeyedStats stats, int times) {
            for (int i = 0; i < times; i++) {
                millis += KeyedStats.SAMPLE_MS;
                stats.sample();
            }
        }
    }

    @Test
    void aWindowSumsWhatWasCountedInItAndItsRatePerSecond() {
        Hands clock = new Hands();
        KeyedStats stats = new KeyedStats(clock);
        for (int i = 0; i < 10; i++) {
            stats.add(KeyedStats.TOPIC_PUT_NUMS, "Orders", 3); // ten sends of three messages
        }
        clock.millis += 5_000;
        KeyedStats.Snapshot now = stats.snapshot(KeyedStats.TOPIC_PUT_NUMS, "Orders").orElseThrow();
        assertEquals(30, now.statsMinute().sum());
        assertEquals(6.0, now.statsMinute().tps(), 1e-9, "30 messages in the 5 s since the topic's first");
        assertEquals(3.0, now.statsMinute().avgpt(), 1e-9, "messages per send");
        assertEquals(30, now.statsDay().sum());

        clock.tick(stats, 7); // 70 s later: the minute has moved past them, the hour and the day have not
        KeyedStats.Snapshot later = stats.snapshot(KeyedStats.TOPIC_PUT_NUMS, "Orders").orElseThrow();
        assertEquals(0, later.statsMinute().sum());
        assertEquals(0.0, later.statsMinute().tps());
        assertEquals(30, later.statsHour().sum());
        assertEquals(30, later.statsDay().sum());

        stats.add(KeyedStats.TOPIC_PUT_NUMS, "Orders", 1);
        clock.tick(stats, 6 * 70); // 70 minutes on: out of the hour, still in the day
        KeyedStats.Snapshot hourLater = stats.snapshot(KeyedStats.TOPIC_PUT_NUMS, "Orders").orElseThrow();
        assertEquals(0, hourLater.statsHour().sum());
        assertEquals(31, hourLater.statsDay().sum());
    }

    @Test
    void keysAreSeparateAndUnknownOnesAreNotInvented() {
        Hands clock = new Hands();
        KeyedStats stats = new KeyedStats(clock);
        stats.add(KeyedStats.GROUP_GET_NUMS, "Orders@billing", 4);
        stats.add(KeyedStats.GROUP_GET_NUMS, "Orders@shipping", 1);
        stats.add(KeyedStats.GROUP_GET_SIZE, "Orders@billing", 4096);
        assertEquals(4, stats.snapshot(KeyedStats.GROUP_GET_NUMS, "Orders@billing").orElseThrow().statsMinute().sum());
        assertEquals(1, stats.snapshot(KeyedStats.GROUP_GET_NUMS, "Orders@shipping").orElseThrow().statsMinute().sum());
        assertEquals(4096, stats.snapshot(KeyedStats.GROUP_GET_SIZE, "Orders@billing").orElseThrow().statsDay().sum());
        assertTrue(stats.snapshot(KeyedStats.GROUP_GET_NUMS, "Orders@audit").isEmpty());
        assertTrue(stats.snapshot("NO_SUCH_STATS", "Orders").isEmpty());
    }

    @Test
    void anItemIdleForADayIsDroppedAndOneInUseIsKept() {
        Hands clock = new Hands();
        KeyedStats stats = new KeyedStats(clock);
        stats.add(KeyedStats.TOPIC_PUT_NUMS, "Quiet", 1);
        stats.add(KeyedStats.TOPIC_PUT_NUMS, "Busy", 1);
        for (int hour = 0; hour < 26; hour++) {
            clock.tick(stats, 360);
            stats.add(KeyedStats.TOPIC_PUT_NUMS, "Busy", 1);
        }
        assertTrue(stats.snapshot(KeyedStats.TOPIC_PUT_NUMS, "Quiet").isEmpty(), "idle for a day");
        KeyedStats.Snapshot busy = stats.snapshot(KeyedStats.TOPIC_PUT_NUMS, "Busy").orElseThrow();
        assertTrue(busy.statsDay().sum() >= 24 && busy.statsDay().sum() <= 26, busy.toString());
    }

    @Test
    void keysFromClientsAreBounded() {
        KeyedStats stats = new KeyedStats(new Hands());
        for (int i = 0; i < KeyedStats.MAX_KEYS + 50; i++) {
            stats.add(KeyedStats.GROUP_GET_NUMS, "T@g" + i, 1);
        }
        assertTrue(stats.snapshot(KeyedStats.GROUP_GET_NUMS, "T@g0").isPresent());
        assertTrue(stats.snapshot(KeyedStats.GROUP_GET_NUMS, "T@g" + (KeyedStats.MAX_KEYS + 10)).isEmpty());
    }
}
