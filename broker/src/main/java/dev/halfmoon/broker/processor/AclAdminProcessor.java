package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.acl.AclFileEditor;
import dev.halfmoon.remoting.AclSignature;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocketMQ's ACL administration over the wire ({@code mqadmin updateAclConfig}, {@code deleteAclConfig},
 * {@code updateGlobalWhiteAddr}, {@code clusterAclConfigVersion}): UPDATE_AND_CREATE_ACL_CONFIG, DELETE_ACL_CONFIG,
 * UPDATE_GLOBAL_WHITE_ADDRS_CONFIG and GET_BROKER_CLUSTER_ACL_INFO change and describe the broker's ACL file. With ACL
 * off there is no file to change: each is refused, naming why. Refusals carry RocketMQ's codes for them.
 */
public final class AclAdminProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(AclAdminProcessor.class);
    private static final String OFF = "ACL is off on this broker (aclEnable=false): there are no accounts to change";

    private final AclFileEditor editor;
    private final Map<String, String> identity;

    /**
     * @param editor   the ACL file's editor, or null when ACL is off
     * @param identity brokerName, brokerAddr and clusterName, as GET_BROKER_CLUSTER_ACL_INFO answers them
     */
    public AclAdminProcessor(AclFileEditor editor, Map<String, String> identity) {
        this.editor = editor;
        this.identity = Map.copyOf(identity);
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, (ch, r) -> change(ch, r,
                ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED, () -> upsert(ch, r)), executor);
        server.register(RequestCode.DELETE_ACL_CONFIG, (ch, r) -> change(ch, r, ResponseCode.DELETE_ACL_CONFIG_FAILED,
                () -> delete(ch, r)), executor);
        server.register(RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, (ch, r) -> change(ch, r,
                ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, () -> whiteAddresses(ch, r)), executor);
        server.register(RequestCode.GET_BROKER_CLUSTER_ACL_INFO, this::info, executor);
    }

    private interface Change {
        void apply() throws IOException;
    }

    private CompletableFuture<RemotingCommand> change(RemotingChannel channel, RemotingCommand r, int failed, Change change) {
        if (editor == null) {
            throw new RequestException(failed, OFF);
        }
        try {
            change.apply();
        } catch (IllegalArgumentException e) {
            throw new RequestException(failed, e.getMessage());
        } catch (RequestException e) { // (a header missing or malformed: said with the request's own code, as RocketMQ)
            throw e.responseCode() == failed ? e : new RequestException(failed, e.getMessage());
        } catch (IOException e) {
            LOG.error("ACL change from {} not made: cannot write {}: {}", channel.remoteAddress(), editor.file(), e.toString());
            throw new RequestException(failed, "cannot write the ACL file " + editor.file() + " (nothing changed): " + e);
        }
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    private void upsert(RemotingChannel channel, RemotingCommand r) throws IOException {
        editor.upsert(new AclFileEditor.AccountChange(Headers.required(r, "accessKey"), r.ext("secretKey"),
                r.ext("whiteRemoteAddress"), Headers.optionalBoolean(r, "admin", false), r.ext("defaultTopicPerm"),
                r.ext("defaultGroupPerm"), r.ext("topicPerms"), r.ext("groupPerms")), who(channel, r));
    }

    private void delete(RemotingChannel channel, RemotingCommand r) throws IOException {
        String accessKey = Headers.required(r, "accessKey").trim();
        if (!editor.delete(accessKey, who(channel, r))) {
            throw new IllegalArgumentException("accessKey " + accessKey + " is not in the ACL file " + editor.file());
        }
    }

    private void whiteAddresses(RemotingChannel channel, RemotingCommand r) throws IOException {
        String path = r.ext("aclFileFullPath");
        if (path != null && !path.isBlank() && !same(Path.of(path.trim()), editor.file())) {
            throw new IllegalArgumentException("this broker has one ACL file, " + editor.file() + "; aclFileFullPath names "
                    + "another (" + path.trim() + ")");
        }
        String addresses = r.ext("globalWhiteAddrs"); // ("" leaves none)
        if (addresses == null) {
            throw new IllegalArgumentException("globalWhiteAddrs is missing (\"\" leaves no white address)");
        }
        editor.globalWhiteAddresses(addresses, who(channel, r));
    }

    /** The account that signed (ACL checked the signature: these requests are never let through unsigned). */
    private static AclFileEditor.Who who(RemotingChannel channel, RemotingCommand r) {
        return new AclFileEditor.Who(r.ext(AclSignature.ACCESS_KEY), channel.remoteAddress());
    }

    private CompletableFuture<RemotingCommand> info(RemotingChannel channel, RemotingCommand r) {
        if (editor == null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, OFF);
        }
        Map<String, Long> version;
        try {
            version = editor.version();
        } catch (IllegalArgumentException | IOException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "cannot read the ACL file " + editor.file() + ": "
                    + e.getMessage());
        }
        String all = new String(Json.encode(Map.of(editor.file().toAbsolutePath().toString(), version)),
                StandardCharsets.UTF_8);
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withExt(identity)
                .withExt("version", new String(Json.encode(version), StandardCharsets.UTF_8)).withExt("allAclFileVersion", all));
    }

    private static boolean same(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
