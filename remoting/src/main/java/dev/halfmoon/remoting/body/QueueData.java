package dev.halfmoon.remoting.body;

/** One broker's share of a topic in a route: queue counts and permission bits ({@link Perm}). */
public record QueueData(String brokerName, int readQueueNums, int writeQueueNums, int perm, int topicSysFlag) {
}
