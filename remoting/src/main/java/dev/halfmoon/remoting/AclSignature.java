package dev.halfmoon.remoting;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RocketMQ's request signature (what {@code AclClientRPCHook} adds and the broker's plain ACL
 * checks): the values of the request's header fields sorted by name, the access key among them,
 * followed by the body, signed with HmacSHA1 under the secret key, Base64. {@code Signature} and
 * the unique-key query flag are not part of what is signed. Stateless.
 */
public final class AclSignature {
    /** Header field names, as the official client spells them. */
    public static final String ACCESS_KEY = "AccessKey";
    public static final String SIGNATURE = "Signature";
    public static final String SECURITY_TOKEN = "SecurityToken";
    private static final String UNIQUE_KEY_QUERY = "_UNIQUE_KEY_QUERY";

    private AclSignature() {
    }

    /** The request with {@code AccessKey} and its {@code Signature} added. */
    public static RemotingCommand sign(RemotingCommand request, String accessKey, String secretKey) {
        RemotingCommand withKey = request.withExt(ACCESS_KEY, accessKey);
        return withKey.withExt(SIGNATURE, compute(withKey, secretKey));
    }

    /** True if the request carries the signature {@code secretKey} gives its content. Constant-time compare. */
    public static boolean verify(RemotingCommand request, String secretKey) {
        String given = request.ext(SIGNATURE);
        if (given == null) {
            return false;
        }
        byte[] signature = given.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(signature, compute(request, secretKey, false).getBytes(StandardCharsets.UTF_8))
                || request.ext(UNIQUE_KEY_QUERY) != null
                && MessageDigest.isEqual(signature, compute(request, secretKey, true).getBytes(StandardCharsets.UTF_8));
    }

    /** The signature of {@code request}'s content under {@code secretKey}. */
    static String compute(RemotingCommand request, String secretKey) {
        return compute(request, secretKey, false);
    }

    private static String compute(RemotingCommand request, String secretKey, boolean withUniqueKeyFlag) {
        Map<String, String> sorted = new TreeMap<>();
        if (request.extFields() != null) {
            request.extFields().forEach((k, v) -> {
                if (!SIGNATURE.equals(k) && (withUniqueKeyFlag || !UNIQUE_KEY_QUERY.equals(k)) && v != null) {
                    sorted.put(k, v);
                }
            });
        }
        StringBuilder content = new StringBuilder();
        sorted.values().forEach(content::append);
        byte[] head = content.toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = request.body();
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(head);
            if (body != null) {
                mac.update(body);
            }
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
