package dev.halfmoon.broker.acl;

import java.util.Map;

/**
 * One account of the ACL file: its keys, the addresses that may skip the signature, whether it
 * is an admin, and its permissions: defaults and per-topic / per-group overrides. Immutable.
 */
public record AclAccount(String accessKey, String secretKey, AddressMatcher whiteRemoteAddress, boolean admin,
                         byte defaultTopicPerm, byte defaultGroupPerm, Map<String, Byte> topicPerms,
                         Map<String, Byte> groupPerms) {
    public AclAccount {
        topicPerms = Map.copyOf(topicPerms);
        groupPerms = Map.copyOf(groupPerms);
    }

    /** The permission this account has on {@code topic}. */
    public byte topicPerm(String topic) {
        return topicPerms.getOrDefault(topic, defaultTopicPerm);
    }

    /** The permission this account has on consumer group {@code group}. */
    public byte groupPerm(String group) {
        return groupPerms.getOrDefault(group, defaultGroupPerm);
    }
}
