package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.namesrv.NameServer;
import dev.halfmoon.namesrv.NamesrvConfig;
import dev.halfmoon.remoting.NettyConfig;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Brokers and name servers started in a test on loopback, with a raw remoting client to ask them; stopped after each test. */
abstract class LiveBrokers {
    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final RemotingClient client = new RemotingClient("test");

    @AfterEach
    void stop() throws Exception {
        client.close();
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    NameServer nameServer(long brokerTimeoutMs) {
        NameServer ns = new NameServer(new NamesrvConfig(NettyConfig.defaults("127.0.0.1", 0), brokerTimeoutMs, 50),
                Clock.systemUTC());
        ns.start();
        running.add(ns);
        return ns;
    }

    Broker broker(Path data, String namesrvs, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("brokerIP1", "127.0.0.1", "bindAddress", "127.0.0.1",
                "listenPort", "0", "storePathRootDir", data.toString(), "namesrvAddr", namesrvs,
                "mappedFileSizeCommitLog", Integer.toString(1 << 20), "registerNameServerPeriod", "200"));
        values.putAll(extra);
        Broker b = Broker.start(BrokerSettings.load(values), Clock.systemUTC());
        running.add(b);
        return b;
    }

    RemotingCommand ask(String address, int code, Map<String, String> header, byte[] body) {
        return client.invokeSync(address, RemotingCommand.request(code, header, body), 5000);
    }

    int route(String namesrv, String topic) {
        return ask(namesrv, RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", topic), null).code();
    }

    void createTopic(Broker b, String topic) {
        assertEquals(ResponseCode.SUCCESS, ask(b.address(), RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", topic,
                "readQueueNums", "3", "writeQueueNums", "3", "perm", "6"), null).code());
    }
}
