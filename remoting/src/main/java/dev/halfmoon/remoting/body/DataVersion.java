package dev.halfmoon.remoting.body;

/** A version stamp of a broker's topic table: changes whenever a topic is created, updated or deleted. */
public record DataVersion(long timestamp, long counter) {
    public DataVersion next(long now) {
        return new DataVersion(now, counter + 1);
    }
}
