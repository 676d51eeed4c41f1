package dev.halfmoon.remoting;

/** Told when a connection goes away (closed by either side, idle, or broken). */
@FunctionalInterface
public interface ChannelListener {
    void onClose(RemotingChannel channel);
}
