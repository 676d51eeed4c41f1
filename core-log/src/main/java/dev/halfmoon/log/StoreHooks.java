package dev.halfmoon.log;

import java.time.Clock;
import java.util.Objects;

/**
 * What the layers above plug into the store at open. Immutable.
 *
 * @param dispatchFilter which records get queue offsets (default: all)
 * @param retentionHook  carries records forward before a segment is deleted (default: none)
 * @param clock          store clock for timestamps and retention ages (default: system UTC)
 * @param diskUsage      disk-usage probe (default: the file system of the store directory)
 */
public record StoreHooks(DispatchFilter dispatchFilter, RetentionHook retentionHook, Clock clock, DiskUsage diskUsage) {
    public StoreHooks {
        Objects.requireNonNull(dispatchFilter, "dispatchFilter");
        Objects.requireNonNull(retentionHook, "retentionHook");
        Objects.requireNonNull(clock, "clock");
    }

    /** Defaults; the disk probe is chosen at open from the store directory. */
    public static StoreHooks defaults() {
        return new StoreHooks(DispatchFilter.ALL, RetentionHook.NONE, Clock.systemUTC(), null);
    }

    public StoreHooks withDispatchFilter(DispatchFilter filter) {
        return new StoreHooks(filter, retentionHook, clock, diskUsage);
    }

    public StoreHooks withRetentionHook(RetentionHook hook) {
        return new StoreHooks(dispatchFilter, hook, clock, diskUsage);
    }

    public StoreHooks withClock(Clock newClock) {
        return new StoreHooks(dispatchFilter, retentionHook, newClock, diskUsage);
    }

    public StoreHooks withDiskUsage(DiskUsage usage) {
        return new StoreHooks(dispatchFilter, retentionHook, clock, usage);
    }
}
