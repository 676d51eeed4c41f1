package dev.halfmoon.bench;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does a message cost the broker more when many consumer pulls are held on other queues? Sends to one queue of a
 * topic, in turns with no pull held and with a pull held by each group on each of the topic's other queues (long
 * polling: groups consuming a topic of many queues), and compares the broker's CPU per message, median of the rounds.
 * The turns alternate so that what drifts over a run (the log growing, the JIT) weighs on both. Ratio = held / none.
 */
@Command(name = "held-pulls", mixinStandardHelpOptions = true,
        description = "The broker's CPU per message sent, with and without pulls held on the topic's other queues.")
public final class HeldPullsBenchmark implements Callable<Integer> {
    private static final String TOPIC = "HeldPullsBench";
    private static final int SUSPEND = 2;

    @Option(names = "--queues", defaultValue = "1024", description = "Queues of the topic, at most 1024 (default "
            + "${DEFAULT-VALUE}); each group holds a pull on each but the first.")
    int queues;

    @Option(names = "--groups", defaultValue = "4", description = "Consumer groups holding pulls (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--messages", defaultValue = "20000", description = "Messages sent per turn (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--in-flight", defaultValue = "1", description = "Sends in flight (default ${DEFAULT-VALUE}: each "
            + "message its own dispatch turn, as at a modest rate).")
    int inFlight;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of both turns (default ${DEFAULT-VALUE}).")
    int rounds;

    private final AtomicLong answered = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        try (HalfmoonServer server = HalfmoonServer.start("ASYNC_FLUSH", 3000);
             RemotingClient client = new RemotingClient("held-pulls-bench")) {
            String broker = server.broker();
            RemotingCommand created = client.invokeSync(broker, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC,
                    Map.of("topic", TOPIC, "readQueueNums", Integer.toString(queues), "writeQueueNums",
                            Integer.toString(queues), "perm", "6"), null), 10_000);
            if (created.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("cannot create " + TOPIC + ": " + created.remark());
            }
            send(client, broker, 0, 2 * messages, "warm-up");
            int pulls = groups * (queues - 1);
            List<Double> none = new ArrayList<>();
            List<Double> held = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                none.add(measure(client, broker, server.brokerPid(), "round " + (round + 1) + ", no pull held"));
                for (int g = 0; g < groups; g++) {
                    for (int q = 1; q < queues; q++) {
                        hold(client, broker, "held-pulls-bench-" + g, q, round);
                    }
                }
                held.add(measure(client, broker, server.brokerPid(), "round " + (round + 1) + ", " + pulls + " held"));
                release(client, broker, (long) pulls * (round + 1));
            }
            double noneMs = median(none);
            double heldMs = median(held);
            System.out.printf("%n%-40s %14s   %s%n", "", "broker CPU µs per message", "(rounds)");
            System.out.printf("%-40s %14.1f   %s%n", "no pull held", noneMs, none);
            System.out.printf("%-40s %14.1f   %s%n", pulls + " pulls held on other queues", heldMs, held);
            System.out.printf("%-40s %14.2f%n", "ratio held / none", heldMs / noneMs);
            return 0;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Sends the turn's messages to queue 0 and returns the broker's CPU per message, µs. */
    private double measure(RemotingClient client, String broker, long pid, String phase) throws InterruptedException {
        long cpu0 = Rss.cpuMs(pid);
        send(client, broker, 0, messages, phase);
        return Math.round((Rss.cpuMs(pid) - cpu0) * 10_000.0 / messages) / 10.0;
    }

    /** Answers every held pull (one message on each held queue) and waits until all are. */
    private void release(RemotingClient client, String broker, long expected) throws InterruptedException {
        for (int q = 1; q < queues; q++) {
            send(client, broker, q, 1, null);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answered.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("held pulls not answered: " + answered.get() + " of " + expected);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** A pull of {@code group} on {@code queue} from {@code offset}, waiting up to a minute for a message. */
    private void hold(RemotingClient client, String broker, String group, int queue, long offset) {
        client.invokeAsync(broker, RemotingCommand.request(RequestCode.PULL_MESSAGE, Map.of("consumerGroup", group, "topic",
                TOPIC, "queueId", Integer.toString(queue), "queueOffset", Long.toString(offset), "maxMsgNums", "32",
                "sysFlag", Integer.toString(SUSPEND), "commitOffset", "0", "suspendTimeoutMillis", "60000",
                "subVersion", "0"), null), 90_000).whenComplete((r, e) -> answered.incrementAndGet());
    }

    /** Sends {@code count} 1 KiB messages to {@code queue}, {@link #inFlight} at a time; progress unless phase is null. */
    private void send(RemotingClient client, String broker, int queue, int count, String phase) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        Progress progress = phase == null ? null : new Progress(phase, count, "msgs");
        byte[] body = new byte[1024];
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            window.acquire();
            client.invokeAsync(broker, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, Map.of("a", "held-pulls-bench",
                    "b", TOPIC, "c", "TBW102", "d", "4", "e", Integer.toString(queue), "f", "0",
                    "g", Long.toString(System.currentTimeMillis()), "h", "0"), body), 10_000).whenComplete((r, e) -> {
                        window.release();
                        if (e != null || r.code() != ResponseCode.SUCCESS) {
                            failed.incrementAndGet();
                        }
                    });
            if (progress != null) {
                progress.update(i + 1);
            }
        }
        if (!window.tryAcquire(inFlight, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(phase + ": sends still unanswered after 30 s");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(phase + ": " + failed.get() + " sends failed");
        }
    }
}
