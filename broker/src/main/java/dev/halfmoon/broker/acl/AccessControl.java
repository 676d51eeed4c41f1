package dev.halfmoon.broker.acl;

import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.remoting.AclSignature;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestGuard;
import dev.halfmoon.remoting.ResponseCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's access control ({@code aclEnable=true}), checked before every request as RocketMQ's
 * plain ACL does: an address in {@code globalWhiteRemoteAddresses} passes; otherwise the request
 * must name a known {@code AccessKey}, come from the account's white address or carry a valid
 * signature, and the account must have what the request needs ({@link AclNeeds}). A refusal is
 * {@code NO_PERMISSION} with the reason, decided before the request is looked at, so it tells
 * nothing about whether a topic exists. The file is re-read when it changes; a file that does not
 * parse keeps the rules in force and is logged. Thread-safe.
 */
public final class AccessControl implements RequestGuard {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final Path file;
    private final AclNeeds.HalfTopics halfTopic;
    private final AtomicReference<AclRules> rules = new AtomicReference<>();
    private volatile String loadedText;

    private AccessControl(Path file, AclNeeds.HalfTopics halfTopic, String text, AclRules initial) {
        this.file = file;
        this.halfTopic = halfTopic;
        this.loadedText = text;
        this.rules.set(initial);
    }

    /**
     * Reads the ACL file.
     *
     * @param halfTopic the real topic of the pending transaction at a half offset (END_TRANSACTION needs PUB on it)
     * @throws ConfigException naming the file and what is wrong with it
     */
    public static AccessControl load(Path file, AclNeeds.HalfTopics halfTopic) {
        String text = read(file);
        try {
            AclRules rules = AclRules.parse(text);
            LOG.info("ACL on: {} accounts, {} global white addresses, from {}", rules.accounts().size(),
                    rules.globalWhiteRemoteAddresses().size(), file);
            return new AccessControl(file, halfTopic, text, rules);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ACL file " + file + ": " + e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read the ACL file " + file + " (aclConfigFile): " + e);
        }
    }

    /**
     * Re-reads the file if its content changed; keeps the current rules if the new content is malformed. One at a time
     * (the watch and an edit over the wire): the last to run has read the file as it is now.
     */
    public synchronized void reloadIfChanged() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("cannot read the ACL file {}; keeping the rules in force: {}", file, e.toString());
            return;
        }
        if (text.equals(loadedText)) {
            return;
        }
        loadedText = text;
        if (text.isBlank()) { // (a copy half done, or a file truncated by mistake: not "no accounts, refuse everyone")
            LOG.error("ACL file {} is empty; keeping the rules in force until it has accounts again", file);
            return;
        }
        try {
            AclRules next = AclRules.parse(text);
            rules.set(next);
            LOG.info("ACL file {} reloaded: {} accounts", file, next.accounts().size());
        } catch (IllegalArgumentException e) {
            LOG.error("ACL file {} is malformed; keeping the rules in force: {}", file, e.getMessage());
        }
    }

    @Override
    public void check(RemotingChannel channel, RemotingCommand request) {
        AclRules now = rules.get();
        String ip = host(channel.remoteAddress());
        boolean changesAcl = AclNeeds.changesAcl(request.code()); // (signed by an admin, white-listed address or not)
        if (!changesAcl && globallyWhitelisted(now, ip)) {
            return;
        }
        String accessKey = request.ext(AclSignature.ACCESS_KEY);
        if (accessKey == null || accessKey.isEmpty()) {
            throw refuse(request, channel, "No accessKey is configured");
        }
        AclAccount account = now.accounts().get(accessKey);
        if (account == null) {
            throw refuse(request, channel, "No acl config for " + accessKey);
        }
        if (!changesAcl && account.whiteRemoteAddress().matches(ip)) {
            return;
        }
        if (!AclSignature.verify(request, account.secretKey())) {
            throw refuse(request, channel, "Check signature failed for accessKey=" + accessKey);
        }
        AclNeeds needs = AclNeeds.of(request, halfTopic);
        if (needs.admin() && !account.admin()) {
            throw refuse(request, channel, "Need admin permission for request code=" + request.code() + ", but accessKey="
                    + accessKey + " is not");
        }
        if (unrestrictedAdmin(account)) {
            return;
        }
        for (Map.Entry<String, Byte> t : needs.topics().entrySet()) {
            if (!AclPerm.allows(account.topicPerm(t.getKey()), t.getValue())) {
                throw refuse(request, channel, "No " + AclPerm.text(t.getValue()) + " permission on topic " + t.getKey()
                        + " for accessKey=" + accessKey);
            }
        }
        for (Map.Entry<String, Byte> g : needs.groups().entrySet()) {
            if (!AclPerm.allows(account.groupPerm(g.getKey()), g.getValue())) {
                throw refuse(request, channel, "No " + AclPerm.text(g.getValue()) + " permission on group " + g.getKey()
                        + " for accessKey=" + accessKey);
            }
        }
    }

    /**
     * Whether the client at {@code remoteAddress}, which signed as {@code accessKey} (null: unsigned), may publish to
     * {@code topic}, judged as a send would be: only such a producer of a group is sent the group's check-backs, which
     * carry uncommitted messages (any account could otherwise join the group and read them, or leave them unanswered).
     */
    public boolean mayPublish(String remoteAddress, String accessKey, String topic) {
        AclRules now = rules.get();
        String ip = host(remoteAddress);
        if (globallyWhitelisted(now, ip)) {
            return true;
        }
        AclAccount account = accessKey == null ? null : now.accounts().get(accessKey);
        return account != null && (account.whiteRemoteAddress().matches(ip) || unrestrictedAdmin(account)
                || AclPerm.allows(account.topicPerm(topic), AclPerm.PUB));
    }

    private static boolean globallyWhitelisted(AclRules rules, String ip) {
        return rules.globalWhiteRemoteAddresses().stream().anyMatch(m -> m.matches(ip));
    }

    /** An admin with no topic or group permissions listed may do everything (as in RocketMQ). */
    private static boolean unrestrictedAdmin(AclAccount account) {
        return account.admin() && account.topicPerms().isEmpty() && account.groupPerms().isEmpty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The admin account with these keys, for the HTTP API's Basic authentication. */
    public Optional<AclAccount> admin(String accessKey, String secretKey) {
        return account(accessKey, secretKey).filter(AclAccount::admin);
    }

    /** The account, admin or not, with these keys (the HTTP API lets any read its metrics). */
    public Optional<AclAccount> account(String accessKey, String secretKey) {
        AclAccount a = rules.get().accounts().get(accessKey);
        // digests of equal length: the comparison takes the same time whatever the secret's length
        if (a == null || !MessageDigest.isEqual(sha256(a.secretKey()), sha256(secretKey))) {
            return Optional.empty();
        }
        return Optional.of(a);
    }

    private static RequestException refuse(RemotingCommand request, RemotingChannel channel, String why) {
        LOG.debug("refused request code {} from {}: {}", request.code(), channel.remoteAddress(), why);
        return new RequestException(ResponseCode.NO_PERMISSION, why);
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }
}
