package dev.halfmoon.broker.group;

import dev.halfmoon.broker.ConfigTable;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.SubscriptionGroupWrapper;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups' configurations, persisted: created by the admin request or, when
 * {@code autoCreateSubscriptionGroup} is on, at a group's first heartbeat. Thread-safe.
 */
public final class SubscriptionGroups {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionGroups.class);

    private final ConfigTable<SubscriptionGroupConfig> groups;
    private final boolean autoCreate;

    public SubscriptionGroups(ConfigTable<SubscriptionGroupConfig> groups, boolean autoCreate) {
        this.groups = groups;
        this.autoCreate = autoCreate;
    }

    /** The group's configuration, created with defaults when auto-creation is on; empty otherwise. */
    public Optional<SubscriptionGroupConfig> findOrCreate(String group) {
        Optional<SubscriptionGroupConfig> existing = groups.get(group);
        if (existing.isPresent() || !autoCreate) {
            return existing;
        }
        return Optional.of(groups.ensure(group, name -> {
            LOG.info("subscription group {} created with defaults", name);
            return SubscriptionGroupConfig.of(name);
        }));
    }

    /** Whether an unknown group is created at its first heartbeat ({@code autoCreateSubscriptionGroup}). */
    public boolean autoCreate() {
        return autoCreate;
    }

    public Optional<SubscriptionGroupConfig> get(String group) {
        return groups.get(group);
    }

    public void put(SubscriptionGroupConfig config) {
        groups.put(config.groupName(), config);
        LOG.info("subscription group {} updated: retryMaxTimes {}, retryQueueNums {}, consumeEnable {}",
                config.groupName(), config.retryMaxTimes(), config.retryQueueNums(), config.consumeEnable());
    }

    public boolean delete(String group) {
        return groups.delete(group) != null;
    }

    public SubscriptionGroupWrapper snapshot() {
        return new SubscriptionGroupWrapper(groups.all(), groups.version());
    }
}
