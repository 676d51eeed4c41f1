package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.metrics.History;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The console chart's ring: rates per second between samples, a live point, and never more than an hour kept. */
class HistoryTest {
    @Test
    void ratesComeFromDifferencesAndTheRingKeepsTheLastHour() {
        AtomicReference<History.Totals> totals = new AtomicReference<>(new History.Totals(0, 5, 0, 0, 0));
        History h = new History(totals::get);
        assertEquals(List.of(), h.samples(), "nothing yet: the baseline only");
        totals.set(new History.Totals(10_000, 7, 20, 10, 5));
        assertEquals(List.of(new History.Sample(10_000, 7, 2.0, 1.0, 0.5)), h.samples(), "a live point");
        h.sample();
        assertEquals(List.of(new History.Sample(10_000, 7, 2.0, 1.0, 0.5)), h.samples(), "sampled; no second live point");
        for (int i = 2; i <= History.CAPACITY + 50; i++) {
            totals.set(new History.Totals(i * 10_000L, i, 20 + i, 10, 5));
            h.sample();
        }
        List<History.Sample> samples = h.samples();
        assertEquals(History.CAPACITY, samples.size());
        assertEquals((History.CAPACITY + 50) * 10_000L, samples.get(samples.size() - 1).timeMs());
        assertEquals(51 * 10_000L, samples.get(0).timeMs());
        assertEquals(0.1, samples.get(0).commitsPerSec(), 1e-9);
    }
}
