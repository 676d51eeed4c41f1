package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Durations as operators type them (--timeout 5s, olderThan=1h). */
class DurationsTest {
    @Test
    void unitsAreRead() {
        assertEquals(500, Durations.parseMs("500ms"));
        assertEquals(30_000, Durations.parseMs(" 30s "));
        assertEquals(7_200_000, Durations.parseMs("2h"));
        assertEquals(86_400_000, Durations.parseMs("1d"));
    }

    @Test
    void nonsenseAndOverflowAreRefusedNotWrappedAround() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMs("soon"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMs("5 weeks"));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> Durations.parseMs("999999999999d"));
        assertEquals("'999999999999d' is longer than any duration this can hold", huge.getMessage());
    }
}
