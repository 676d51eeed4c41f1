package dev.halfmoon.broker.config;

import dev.halfmoon.broker.delay.DelayLevels;
import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.ConsumeQueueConfig;
import dev.halfmoon.log.FlushMode;
import dev.halfmoon.log.RetentionConfig;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.remoting.NettyConfig;
import dev.halfmoon.remoting.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every broker setting Halfmoon knows, with its default, and the code that turns given values into
 * a validated {@link BrokerConfig}. Defaults agree with DESIGN.md. Stateless.
 */
public final class BrokerSettings {
    /** The catalogue, in documentation order. */
    public static final List<Setting> ALL = List.of(
            new Setting("brokerClusterName", "DefaultCluster", "cluster this broker belongs to"),
            new Setting("brokerName", "broker-a", "broker group name, unique in the cluster"),
            new Setting("brokerId", "0", "0: every broker is a master (no replication between brokers yet; other values are refused)"),
            new Setting("brokerIP1", null, "address clients reach the broker on (default: this host's first non-loopback IPv4, else 127.0.0.1)"),
            new Setting("bindAddress", "0.0.0.0", "address to listen on"),
            new Setting("listenPort", "10911", "client port"),
            new Setting("serverSelectorThreads", "2", "network I/O threads"),
            new Setting("frameMaxLength", "16777216", "largest frame accepted, bytes"),
            new Setting("namesrvAddr", "", "name servers, host:port separated by ';'"),
            new Setting("registerNameServerPeriod", "30000",
                    "re-registration with the name servers, ms, at most 60000 (they drop a broker silent for 120 s)"),
            new Setting("storePathRootDir", "./data", "where the store lives"),
            new Setting("mappedFileSizeCommitLog", "1073741824", "commit-log segment size, bytes"),
            new Setting("mappedFileSizeConsumeQueue", "6000000", "consume-queue file size, bytes (a multiple of 20)"),
            new Setting("flushDiskType", "ASYNC_FLUSH", "ASYNC_FLUSH or SYNC_FLUSH"),
            new Setting("flushIntervalCommitLog", "500", "background flush period under ASYNC_FLUSH, ms"),
            new Setting("checkCRCOnRecover", "true", "verify body CRCs when recovering the log tail"),
            new Setting("messageIndexEnable", "true", "index message keys and unique ids"),
            new Setting("fileReservedTime", "72", "keep commit-log segments at least this many hours; a transaction still pending after this long is given up (none if 0) (can change while running)"),
            new Setting("diskMaxUsedSpaceRatio", "75", "above this disk usage (percent) delete old segments early (can change while running)"),
            new Setting("diskSpaceWarningLevelRatio", "0.90", "above this disk usage (0..1) refuse writes"),
            new Setting("cleanResourceInterval", "10000", "retention pass period, ms"),
            new Setting("destroyMapedFileIntervalForcibly", "120000",
                    "a deleted commit-log segment's disk space is given back this long after, ms, at least 10000 (its readers finish)"),
            new Setting("autoCreateTopicEnable", "false", "create unknown topics on first send"),
            new Setting("defaultTopicQueueNums", "8", "queues of an auto-created topic"),
            new Setting("clusterTopicEnable", "true", "the topic named after the cluster (made at start, so tools "
                    + "find the cluster's brokers through it) is readable and writable"),
            new Setting("brokerTopicEnable", "true", "the same for the topic named after the broker"),
            new Setting("traceTopicEnable", "true", "make the message-trace topic at start, for clients with "
                    + "enableTrace (RocketMQ's default is false, but it auto-creates topics; Halfmoon does not by default)"),
            new Setting("msgTraceTopicName", "RMQ_SYS_TRACE_TOPIC", "the message-trace topic"),
            new Setting("maxMessageSize", "4194304", "largest message body, bytes (can change while running)"),
            new Setting("autoCreateSubscriptionGroup", "true", "create a consumer group on its first heartbeat"),
            new Setting("sendMessageThreadPoolNums", "4", "send executor threads"),
            new Setting("pullMessageThreadPoolNums", "8", "pull executor threads"),
            new Setting("longPollingEnable", "true", "hold pulls that find nothing until a message arrives"),
            new Setting("shortPollingTimeMills", "1000", "hold time of a pull when long polling is off, ms"),
            new Setting("maxTransferBytesOnMessageInDisk", "262144", "bytes per pull response at most"),
            new Setting("pullBatchWindowMicros", "1000", "held pulls answered at most once per this window while "
                    + "messages keep arriving, so each answer carries more (Halfmoon; 0 = at once), microseconds"),
            new Setting("pullOnNetworkThreadMaxLag", "1024", "a pull at most this many messages behind its queue's end "
                    + "is answered on the network thread; further behind (likely a disk read) on the pull executor "
                    + "(Halfmoon; -1 = always the executor)"),
            new Setting("sendOnNetworkThread", "true", "sends and producers' transaction ends that cannot block (existing "
                    + "topic, log space allocated, recent half message) are processed on the network thread; false = "
                    + "always the send and end executors (Halfmoon)"),
            new Setting("channelExpiredTimeout", "120000", "forget a client silent this long, ms"),
            new Setting("messageDelayLevel", DelayLevels.DEFAULT, "delay of each level, 1-based (units s, m, h, d)"),
            new Setting("rebalanceLockMaxLiveTime", "60000", "an ordered consumer's queue lock lapses after this long unrenewed, ms"),
            new Setting("transactionTimeOut", "6000", "first check-back after this long without an end, ms (can change while "
                    + "running, for halves stored from then on)"),
            new Setting("transactionCheckMax", "15", "check-backs before a transaction is given up (can change while running)"),
            new Setting("transactionCheckInterval", "60000", "longest wait between two check-backs, ms (can change while "
                    + "running)"),
            new Setting("transactionCheckWindow", "500", "most check-backs a producer connection has unanswered at once "
                    + "(its client queues 2000 from all brokers together and drops the rest: keep brokers x window below)"),
            new Setting("httpEnable", "true", "serve /metrics, /health, the operator API and the web console over HTTP"),
            new Setting("httpPort", "8080", "HTTP port (default 8080; a free port when listenPort is 0)"),
            new Setting("httpBindAddress", "127.0.0.1",
                    "HTTP address: this machine only by default (it can resolve transactions); 0.0.0.0 with aclEnable=true "
                    + "and tls.server.mode=enforcing (HTTPS), or behind a TLS proxy"),
            new Setting("httpTls", "auto", "HTTPS for the console: auto (as tls.server.mode, except on a loopback "
                    + "address), true or false; it uses tls.server.certPath and keyPath, and asks for no client certificate"),
            new Setting("aclEnable", "false", "check every request against the ACL file (RocketMQ plain ACL)"),
            new Setting("aclConfigFile", "conf/plain_acl.yml", "the ACL file, plain_acl.yml format (relative: to the installation)"),
            new Setting("tls.server.mode", "disabled", "TLS on the client port: disabled, permissive (TLS and plain) or enforcing"),
            new Setting("tls.server.certPath", "", "PEM certificate chain of the server"),
            new Setting("tls.server.keyPath", "", "PEM private key of the server (PKCS#8)"),
            new Setting("tls.server.keyPassword", "", "password of the key, if it is encrypted"),
            new Setting("tls.server.trustCertPath", "", "PEM CA certificates to verify client certificates with"),
            new Setting("tls.server.need.client.auth", "none", "client certificates: none, optional or require"),
            new Setting("tls.enable", "", "TLS on the broker's own connections to the name server: true or false "
                    + "(default, as RocketMQ: true when tls.server.mode is enforcing)"),
            new Setting("tls.client.trustCertPath", "", "PEM CA certificates to verify the name server with "
                    + "(default tls.server.trustCertPath; none: encrypted, not verified)"),
            new Setting("tls.client.certPath", "", "PEM certificate the broker presents to a name server that asks for "
                    + "client certificates (tls.server.need.client.auth there)"),
            new Setting("tls.client.keyPath", "", "PEM private key (PKCS#8) of tls.client.certPath"),
            new Setting("tls.client.keyPassword", "", "password of tls.client.keyPath, if it is encrypted"));

    /** TLS keys may also come as JVM system properties, as RocketMQ reads them. */
    private static final List<String> TLS_KEYS = java.util.stream.Stream.concat(TlsConfig.KEYS.stream(),
            java.util.stream.Stream.of("tls.enable", "tls.client.trustCertPath", "tls.client.certPath", "tls.client.keyPath",
                    "tls.client.keyPassword")).toList();

    /**
     * RocketMQ broker.conf keys Halfmoon has no use for. Like any unknown key they stop start-up,
     * but the message says what they are, so an operator bringing a RocketMQ file knows to drop them.
     */
    public static final java.util.Set<String> ROCKETMQ_ONLY_KEYS = java.util.Set.of("deleteWhen", "brokerRole",
            "storePathCommitLog", "storePathConsumeQueue", "storePathIndex", "storeCheckpoint", "abortFile",
            "haListenPort", "haMasterAddress", "fetchNamesrvAddrByAddressServer",
            "enablePropertyFilter", "waitTimeMillsInSendQueue", "osPageCacheBusyTimeOutMills", "transientStorePoolEnable",
            "warmMapedFileEnable", "slaveReadEnable", "enableDLegerCommitLog", "useReentrantLockWhenPutMessage",
            "sendThreadPoolQueueCapacity", "pullThreadPoolQueueCapacity", "enableControllerMode", "brokerPermission",
            "enableCalcFilterBitMap", "maxIndexNum", "maxHashSlotNum", "flushConsumeQueueLeastPages",
            "flushCommitLogLeastPages", "flushIntervalConsumeQueue", "diskMaxUsedSpaceRatioCleanForce");

    private BrokerSettings() {
    }

    /** Reads a properties file (ISO-8859-1 escapes allowed, UTF-8 text). */
    public static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            values.put(name, p.getProperty(name));
        }
        return values;
    }

    /**
     * Builds the configuration from given values (defaults for the rest).
     *
     * @throws ConfigException naming the first key that is unknown, malformed or out of range
     */
    public static BrokerConfig load(Map<String, String> values) {
        java.util.Set<String> rocketMqOnly = new java.util.TreeSet<>(values.keySet());
        rocketMqOnly.retainAll(ROCKETMQ_ONLY_KEYS);
        if (!rocketMqOnly.isEmpty()) {
            throw new ConfigException("RocketMQ setting" + (rocketMqOnly.size() > 1 ? "s " : " ") + String.join(", ", rocketMqOnly)
                    + " mean nothing to Halfmoon; remove them (conf/broker.conf lists the keys Halfmoon knows)");
        }
        Map<String, String> given = new LinkedHashMap<>(values);
        for (String key : TLS_KEYS) {
            if (!given.containsKey(key) && System.getProperty(key) != null) {
                given.put(key, System.getProperty(key));
            }
        }
        Settings s = new Settings(ALL, given);
        String host = s.given("brokerIP1") && !s.string("brokerIP1").isBlank() ? s.string("brokerIP1") : localAddress();
        long brokerId = s.number("brokerId", 0, Long.MAX_VALUE);
        if (brokerId != 0) { // a "slave" would serve reads from a store nothing copies into
            throw new ConfigException("brokerId must be 0, was " + brokerId + ": Halfmoon does not replicate between "
                    + "brokers yet, so every broker is a master; give each its own brokerName");
        }
        BrokerIdentity identity = new BrokerIdentity(s.required("brokerClusterName"), s.required("brokerName"), brokerId, host);
        NettyConfig network = new NettyConfig(s.required("bindAddress"), s.integer("listenPort", 0, 65535),
                s.integer("serverSelectorThreads", 1, 64), s.integer("frameMaxLength", 1024, 1 << 30), 120, true);
        int cqBytes = s.integer("mappedFileSizeConsumeQueue", 320, 200_000_000);
        if (cqBytes % 20 != 0) {
            throw new ConfigException("mappedFileSizeConsumeQueue must be a multiple of 20, was " + cqBytes);
        }
        StoreConfig store = new StoreConfig(Path.of(s.required("storePathRootDir")),
                new CommitLogConfig(s.integer("mappedFileSizeCommitLog", CommitLogConfig.MIN_SEGMENT_SIZE_BYTES, Integer.MAX_VALUE),
                        s.choice("flushDiskType", FlushMode.class), s.integer("flushIntervalCommitLog", 1, 60_000),
                        s.bool("checkCRCOnRecover")),
                new ConsumeQueueConfig(cqBytes / 20, s.bool("messageIndexEnable")),
                retention(s), 1000);
        MessagingConfig messaging = messaging(s);
        List<String> namesrvs = Arrays.stream(s.string("namesrvAddr").split(";")).map(String::trim)
                .filter(a -> !a.isEmpty()).toList();
        for (String a : namesrvs) {
            if (!a.matches("[^:]+:\\d{1,5}")) {
                throw new ConfigException("namesrvAddr entries must be host:port, got '" + a + "'");
            }
        }
        NamesrvClientConfig namesrv = new NamesrvClientConfig(namesrvs, s.number("registerNameServerPeriod", 100, 60_000));
        TransactionConfig tx = transactions(s);
        int httpPort = s.given("httpPort") || network.listenPort() != 0 ? s.integer("httpPort", 0, 65535) : 0;
        HttpConfig http = new HttpConfig(s.bool("httpEnable"), s.required("httpBindAddress"), httpPort,
                s.required("httpTls").trim().toLowerCase());
        Map<String, String> effective = new java.util.TreeMap<>();
        for (Setting setting : ALL) {
            String v = s.string(setting.key());
            effective.put(setting.key(), setting.key().toLowerCase().contains("password") && v != null && !v.isEmpty()
                    ? "********" : v == null ? "" : v);
        }
        StartTopics startTopics = new StartTopics(s.bool("clusterTopicEnable"), s.bool("brokerTopicEnable"),
                s.bool("traceTopicEnable") ? s.required("msgTraceTopicName") : null);
        return new BrokerConfig(identity, network, store, messaging, namesrv, tx, http, security(s), startTopics,
                effective, SettingsOrigin.NONE);
    }

    /** The send, pull and client settings, checked. */
    /** Commit-log retention: fileReservedTime and diskMaxUsedSpaceRatio may change while running (LiveSettings). */
    static RetentionConfig retention(Settings s) {
        return new RetentionConfig(s.number("fileReservedTime", 0, 24L * 365 * 10) * 3_600_000L,
                s.integer("diskMaxUsedSpaceRatio", 10, 95), s.decimal("diskSpaceWarningLevelRatio", 0.01, 1.0),
                s.number("cleanResourceInterval", 10, 3_600_000), 1000,
                s.number("destroyMapedFileIntervalForcibly", 10_000, 3_600_000));
    }

    static MessagingConfig messaging(Settings s) {
        return new MessagingConfig(s.bool("autoCreateTopicEnable"),
                s.integer("defaultTopicQueueNums", 1, 1024), s.integer("maxMessageSize", 1, 64 << 20),
                s.bool("autoCreateSubscriptionGroup"), s.integer("sendMessageThreadPoolNums", 1, 256),
                s.integer("pullMessageThreadPoolNums", 1, 256), s.bool("longPollingEnable"),
                s.number("shortPollingTimeMills", 1, 60_000), s.integer("maxTransferBytesOnMessageInDisk", 1024, 64 << 20),
                s.number("channelExpiredTimeout", 1000, 3_600_000), DelayLevels.parse(s.required("messageDelayLevel")),
                s.number("rebalanceLockMaxLiveTime", 1000, 3_600_000), s.number("pullBatchWindowMicros", 0, 100_000),
                s.number("pullOnNetworkThreadMaxLag", -1, 1_000_000), s.bool("sendOnNetworkThread"));
    }

    /** The transaction settings, checked. */
    static TransactionConfig transactions(Settings s) {
        return new TransactionConfig(s.number("transactionTimeOut", 100, 3_600_000),
                s.integer("transactionCheckMax", 1, 1000), s.number("transactionCheckInterval", 100, 86_400_000),
                s.integer("transactionCheckWindow", 1, 1_000_000));
    }

    private static SecurityConfig security(Settings s) {
        Path aclFile = Path.of(s.required("aclConfigFile"));
        String home = System.getProperty("halfmoon.home");
        if (!aclFile.isAbsolute() && home != null) {
            aclFile = Path.of(home).resolve(aclFile);
        }
        try {
            TlsConfig tls = TlsConfig.parse(s::string);
            boolean toNamesrv = s.string("tls.enable").isBlank() ? tls.mode() == TlsConfig.Mode.ENFORCING : s.bool("tls.enable");
            Path trust = path(s, "tls.client.trustCertPath");
            String keyPassword = s.string("tls.client.keyPassword");
            TlsConfig.ClientCertificate own = TlsConfig.ClientCertificate.of(path(s, "tls.client.certPath"),
                    path(s, "tls.client.keyPath"), keyPassword == null || keyPassword.isBlank() ? null : keyPassword);
            return new SecurityConfig(s.bool("aclEnable"), aclFile, tls, toNamesrv, trust != null ? trust : tls.trustCertPath(),
                    own);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Path path(Settings s, String key) {
        String v = s.string(key);
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    /** Like RocketMQ: the first site-local IPv4 address of an up interface, else 127.0.0.1. */
    static String localAddress() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall back below
        }
        return "127.0.0.1";
    }
}
