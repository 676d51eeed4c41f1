package dev.halfmoon.broker.client;

import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.body.ConsumerConnectionBody;

/**
 * A client connection as a group member: its client id, language and version from the heartbeat,
 * and when it last heartbeated. Immutable; a newer heartbeat replaces it.
 */
public record ClientChannel(String clientId, RemotingChannel channel, String language, int version,
                            long lastHeartbeatMs, String accessKey) {
    /** The connection as RocketMQ's tooling lists it (consumer and producer connection lists). */
    public ConsumerConnectionBody.Connection connection() {
        return new ConsumerConnectionBody.Connection(clientId, channel.remoteAddress(), language, version);
    }
}
