package dev.halfmoon.client;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Message unique ids (UNIQ_KEY) in RocketMQ's shape: 16 bytes as 32 upper-case hex characters —
 * this host's IPv4 address, the process id, a random start value, ms since this process started
 * and a counter. Unique per host and process. Thread-safe.
 */
final class UniqueIds {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final byte[] PREFIX = prefix();
    private static final long START = System.currentTimeMillis();
    private static final AtomicInteger COUNTER = new AtomicInteger(ThreadLocalRandom.current().nextInt());

    private UniqueIds() {
    }

    static String next() {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put(PREFIX).putInt((int) (System.currentTimeMillis() - START)).putShort((short) COUNTER.getAndIncrement());
        return HEX.formatHex(b.array());
    }

    private static byte[] prefix() {
        ByteBuffer b = ByteBuffer.allocate(10);
        b.put(localIp()).putShort((short) ProcessHandle.current().pid()).putInt(ThreadLocalRandom.current().nextInt());
        return b.array();
    }

    /** This host's first non-loopback IPv4 address, else 127.0.0.1. */
    static byte[] localIp() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                        if (a instanceof Inet4Address) {
                            return a.getAddress();
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return new byte[] {127, 0, 0, 1};
    }

    /** This host's address as text, for client ids. */
    static String localIpText() {
        byte[] ip = localIp();
        return (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF);
    }
}
