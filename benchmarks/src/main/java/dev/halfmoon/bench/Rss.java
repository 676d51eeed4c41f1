package dev.halfmoon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory and CPU time of a process, from /proc (Linux; clock ticks of 10 ms). */
final class Rss {
    private Rss() {
    }

    /** VmRSS of {@code pid} in MiB, or -1 if unreadable. */
    static long mib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time (user + system) {@code pid} has used so far, ms, or -1 if unreadable. */
    static long cpuMs(long pid) {
        try {
            return cpuMsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system CPU ms in a /proc stat line (of a process or a thread). */
    static long cpuMsOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }
}
