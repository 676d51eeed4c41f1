package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.offset.ConsumerOffsets;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.body.SystemNames;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import dev.halfmoon.remoting.body.TopicValidator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Subscription-group administration: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, DELETE_SUBSCRIPTIONGROUP. */
public final class GroupAdminProcessor {
    private final SubscriptionGroups groups;
    private final ConsumerOffsets offsets;

    public GroupAdminProcessor(SubscriptionGroups groups, ConsumerOffsets offsets) {
        this.groups = groups;
        this.offsets = offsets;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, this::update, executor);
        server.register(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (ch, r) -> RequestProcessor.done(
                RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(Json.encode(groups.snapshot()))), executor);
        server.register(RequestCode.DELETE_SUBSCRIPTIONGROUP, (ch, r) -> {
            String group = Headers.required(r, "groupName");
            if (SystemNames.isSystemGroup(group)) { // (the delay scheduler keeps its progress as this group's offsets)
                throw new RequestException(ResponseCode.SYSTEM_ERROR, "the system group " + group + " cannot be deleted");
            }
            groups.delete(group);
            // mqadmin deleteSubGroup -r true: the group's offsets go too (4.x says removeOffset, 5.x cleanOffset)
            if (Headers.optionalBoolean(r, "removeOffset", false) || Headers.optionalBoolean(r, "cleanOffset", false)) {
                offsets.removeGroup(group);
            }
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
        }, executor);
    }

    private CompletableFuture<RemotingCommand> update(RemotingChannel channel, RemotingCommand r) {
        SubscriptionGroupConfig config = Json.decode(r.body(), SubscriptionGroupConfig.class);
        String problem = TopicValidator.groupProblem(config.groupName());
        if (problem != null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, problem);
        }
        groups.put(config);
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }
}
