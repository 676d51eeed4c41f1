package dev.halfmoon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU used by a process's threads over a period, by thread name (digits folded), including threads
 * that start and end within it: /proc is read every second on a daemon thread until {@link #stop} (more
 * often costs the benchmark's own CPU: RocketMQ's broker has a few hundred threads).
 */
final class ThreadCpu {
    private record Seen(String name, long firstMs, long lastMs) {
    }

    private final long pid;
    private final Map<String, Seen> byTask = new HashMap<>();
    private final Thread sampler;
    private volatile boolean stopped;

    private ThreadCpu(long pid) {
        this.pid = pid;
        sample(true);
        this.sampler = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                sample(false);
            }
        }, "bench-thread-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts following {@code pid}'s threads. */
    static ThreadCpu follow(long pid) {
        return new ThreadCpu(pid);
    }

    private synchronized void sample(boolean baseline) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    long ms = Rss.cpuMsOf(stat);
                    String key = task.getFileName().toString();
                    Seen seen = byTask.get(key);
                    // a thread first seen after the baseline started within the period: count it from zero
                    byTask.put(key, seen == null ? new Seen(name, baseline ? ms : 0, ms)
                            : new Seen(seen.name(), seen.firstMs(), ms));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Stops sampling and returns CPU ms per thread name over the period. */
    synchronized Map<String, Long> stop() {
        stopped = true;
        sampler.interrupt();
        sample(false);
        Map<String, Long> used = new TreeMap<>();
        for (Seen s : byTask.values()) {
            used.merge(s.name(), s.lastMs() - s.firstMs(), Long::sum);
        }
        return used;
    }
}
