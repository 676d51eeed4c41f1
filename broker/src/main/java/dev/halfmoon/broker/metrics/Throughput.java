package dev.halfmoon.broker.metrics;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages stored and delivered, as RocketMQ's broker runtime info reports them to its tooling ({@code mqadmin
 * clusterList} and {@code brokerStatus}, the dashboard): rates over the last 10 s, minute and 10 minutes ({@code putTps},
 * {@code getTransferedTps}: "ten sixty six-hundred") and totals since start at this and the previous local midnight
 * ({@code msgPutTotalTodayMorning}...). Counting is a {@link LongAdder} add; {@link #sample} runs once a second.
 * Thread-safe.
 */
public final class Throughput {
    private static final int SECONDS = 600;

    private final LongAdder stored = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final Clock clock;
    private final ZoneId zone;
    private final long bootMs;
    private final long[][] ring = new long[SECONDS + 1][3]; // time ms, stored, delivered; one a second
    private int next;
    private int size;
    private LocalDate today;
    private final long[] todayMorning = new long[2];
    private final long[] yesterdayMorning = new long[2];

    public Throughput(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
        this.bootMs = clock.millis();
        this.today = LocalDate.ofInstant(clock.instant(), zone);
    }

    public void stored(int messages) {
        stored.add(messages);
    }

    public void delivered(int messages) {
        delivered.add(messages);
    }

    /** Takes this second's sample, and at local midnight moves the day's starting totals on. */
    public synchronized void sample() {
        long now = clock.millis();
        long in = stored.sum();
        long out = delivered.sum();
        ring[next][0] = now;
        ring[next][1] = in;
        ring[next][2] = out;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        LocalDate day = LocalDate.ofInstant(clock.instant(), zone);
        if (!day.equals(today)) {
            yesterdayMorning[0] = day.minusDays(1).equals(today) ? todayMorning[0] : in;
            yesterdayMorning[1] = day.minusDays(1).equals(today) ? todayMorning[1] : out;
            todayMorning[0] = in;
            todayMorning[1] = out;
            today = day;
        }
    }

    /** The runtime-info keys this class answers for, with RocketMQ's names and formats. */
    public synchronized Map<String, String> runtimeInfo() {
        Map<String, String> table = new LinkedHashMap<>();
        String in = String.format(Locale.ROOT, "%.2f %.2f %.2f", rate(1, 10), rate(1, 60), rate(1, SECONDS));
        String out = String.format(Locale.ROOT, "%.2f %.2f %.2f", rate(2, 10), rate(2, 60), rate(2, SECONDS));
        table.put("putTps", in);
        table.put("getTransferedTps", out); // (RocketMQ 4.x's spelling; 5.x tools read either)
        table.put("getTransferredTps", out);
        table.put("msgPutTotalTodayNow", Long.toString(stored.sum()));
        table.put("msgGetTotalTodayNow", Long.toString(delivered.sum()));
        table.put("msgPutTotalTodayMorning", Long.toString(todayMorning[0]));
        table.put("msgGetTotalTodayMorning", Long.toString(todayMorning[1]));
        table.put("msgPutTotalYesterdayMorning", Long.toString(yesterdayMorning[0]));
        table.put("msgGetTotalYesterdayMorning", Long.toString(yesterdayMorning[1]));
        table.put("bootTimestamp", Long.toString(bootMs));
        long up = (clock.millis() - bootMs) / 1000;
        table.put("runtime", String.format(Locale.ROOT, "[ %d days, %d hours, %d minutes, %d seconds ]", up / 86_400,
                up / 3600 % 24, up / 60 % 60, up % 60));
        return table;
    }

    /** Per second over the last {@code seconds} (or as many as sampled), of column {@code column}. */
    private double rate(int column, int seconds) {
        if (size < 2) {
            return 0;
        }
        int back = Math.min(seconds, size - 1);
        long[] last = ring[(next - 1 + ring.length) % ring.length];
        long[] first = ring[(next - 1 - back + 2 * ring.length) % ring.length];
        long ms = last[0] - first[0];
        return ms <= 0 ? 0 : (last[column] - first[column]) * 1000.0 / ms;
    }
}
