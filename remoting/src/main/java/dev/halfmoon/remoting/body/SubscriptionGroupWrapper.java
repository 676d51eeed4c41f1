package dev.halfmoon.remoting.body;

import java.util.Map;

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG's body: every group's configuration and the data version. */
public record SubscriptionGroupWrapper(Map<String, SubscriptionGroupConfig> subscriptionGroupTable, DataVersion dataVersion) {
}
