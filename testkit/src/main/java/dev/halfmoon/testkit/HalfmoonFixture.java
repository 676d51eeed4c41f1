package dev.halfmoon.testkit;

import dev.halfmoon.broker.StandaloneMain.Standalone;
import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.BrokerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Halfmoon (name server + broker in this JVM, real sockets on 127.0.0.1, a real store in
 * a temp dir) that tests can stop and start again on the same directory.
 */
public final class HalfmoonFixture implements AutoCloseable {
    public final Path dir;
    final Map<String, String> settings = new LinkedHashMap<>();
    public Standalone running;
    private int namesrvPort;
    private int brokerPort;

    public HalfmoonFixture(Path dir) {
        this.dir = dir;
        settings.put("brokerIP1", "127.0.0.1");
        settings.put("bindAddress", "127.0.0.1");
        settings.put("storePathRootDir", dir.toString());
        settings.put("listenPort", "0");
        settings.put("httpPort", "0");
        settings.put("mappedFileSizeCommitLog", Integer.toString(16 << 20));
        settings.put("registerNameServerPeriod", "1000");
    }

    public HalfmoonFixture set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public HalfmoonFixture start() {
        Map<String, String> values = new LinkedHashMap<>(settings);
        if (brokerPort != 0) {
            values.put("listenPort", Integer.toString(brokerPort));
        }
        BrokerConfig config = BrokerSettings.load(values);
        running = Standalone.start(config, namesrvPort, Clock.systemUTC());
        namesrvPort = Integer.parseInt(running.namesrvAddress().split(":")[1]);
        brokerPort = running.broker().port();
        return this;
    }

    /**
     * Starts another broker (its own name, port and data dir) registered with this fixture's name
     * server. The caller closes it.
     */
    public dev.halfmoon.broker.Broker startExtraBroker(String brokerName, Path dataDir) {
        Map<String, String> values = new LinkedHashMap<>(settings);
        values.put("brokerName", brokerName);
        values.put("storePathRootDir", dataDir.toString());
        values.put("listenPort", "0");
        values.put("namesrvAddr", namesrv());
        return dev.halfmoon.broker.Broker.start(BrokerSettings.load(values), Clock.systemUTC());
    }

    /**
     * Starts a broker alone with this fixture's settings (set {@code namesrvAddr} to a name server of
     * your own). The caller closes it.
     */
    public dev.halfmoon.broker.Broker startBroker() {
        return dev.halfmoon.broker.Broker.start(BrokerSettings.load(settings), Clock.systemUTC());
    }

    /** Stops the broker and name server; a later {@link #start} reuses the same ports and directory. */
    public void stop() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    public HalfmoonFixture restart() {
        stop();
        return start();
    }

    public String namesrv() {
        return "127.0.0.1:" + namesrvPort;
    }

    public String brokerAddress() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void close() {
        stop();
    }
}
