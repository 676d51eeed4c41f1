package dev.halfmoon.admin;

import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingException;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.BrokerData;
import dev.halfmoon.remoting.body.ClusterInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The admin tool's connection to a cluster: finds brokers through the name servers (or uses the
 * one broker given) and makes requests, turning transport failures into "unreachable" and refusals
 * into {@link AdminException}s that quote the broker's reason.
 */
public final class AdminClient implements AutoCloseable {
    /** A broker as the name server lists it. */
    public record BrokerRef(String cluster, String name, long id, String address) {
        boolean master() {
            return id == 0;
        }
    }

    private final RemotingClient client;
    private final List<String> namesrvs;
    private final String broker;
    private final long timeoutMs;

    /**
     * @param namesrvs name servers ({@code host:port}), may be empty when {@code broker} is given
     * @param broker   one broker to talk to directly, or null
     */
    public AdminClient(List<String> namesrvs, String broker, long timeoutMs) {
        if (namesrvs.isEmpty() && broker == null) {
            throw new AdminException(ExitCodes.USAGE, "say where the cluster is: --namesrv host:port (or NAMESRV_ADDR), "
                    + "or --broker host:port");
        }
        this.namesrvs = List.copyOf(namesrvs);
        this.broker = broker;
        this.timeoutMs = timeoutMs;
        this.client = new RemotingClient("admin", 64 << 20, (int) Math.min(timeoutMs, 5000));
    }

    /** Signs requests with these ACL credentials. */
    public void withCredentials(String accessKey, String secretKey) {
        client.withCredentials(accessKey, secretKey);
    }

    /** Connects with TLS (verifying servers against {@code trustCertPath}, or trusting any when null), presenting {@code own} if asked (null: none). */
    public void withTls(java.nio.file.Path trustCertPath, dev.halfmoon.remoting.TlsConfig.ClientCertificate own) {
        client.withTls(trustCertPath, own);
    }

    public List<String> namesrvs() {
        return namesrvs;
    }

    /** Every broker: the one given, or all the name servers know, by cluster, name and id. */
    public List<BrokerRef> brokers() {
        if (broker != null) {
            return List.of(new BrokerRef("?", broker, 0, broker));
        }
        ClusterInfo info = Json.decode(callNamesrv(RequestCode.GET_BROKER_CLUSTER_INFO, Map.of()).body(), ClusterInfo.class);
        List<BrokerRef> result = new ArrayList<>();
        for (BrokerData b : info.brokerAddrTable().values()) {
            b.brokerAddrs().forEach((id, addr) -> result.add(new BrokerRef(b.cluster(), b.brokerName(), id, addr)));
        }
        result.sort(Comparator.comparing(BrokerRef::cluster).thenComparing(BrokerRef::name).thenComparingLong(BrokerRef::id));
        return result;
    }

    /** The masters (where writes and transactions live). */
    public List<BrokerRef> masters() {
        List<BrokerRef> masters = brokers().stream().filter(BrokerRef::master).toList();
        if (masters.isEmpty()) {
            throw AdminException.failed("the name servers " + namesrvs + " know no broker");
        }
        return masters;
    }

    /** Asks the first name server that answers. */
    public RemotingCommand callNamesrv(int code, Map<String, String> headers) {
        if (namesrvs.isEmpty()) {
            throw new AdminException(ExitCodes.USAGE, "this command needs --namesrv host:port (or NAMESRV_ADDR)");
        }
        AdminException last = null;
        for (String namesrv : namesrvs) {
            try {
                return expect(namesrv, exchange(namesrv, code, headers, null), ResponseCode.SUCCESS);
            } catch (AdminException e) {
                if (e.exitCode() != ExitCodes.UNREACHABLE) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** A request that must succeed. */
    public RemotingCommand call(String address, int code, Map<String, String> headers) {
        return expect(address, exchange(address, code, headers, null), ResponseCode.SUCCESS);
    }

    /** A request; the caller reads the response code. Unreachable addresses throw. */
    public RemotingCommand exchange(String address, int code, Map<String, String> headers, byte[] body) {
        try {
            return client.invokeSync(address, RemotingCommand.request(code, headers, body), timeoutMs);
        } catch (RemotingException e) {
            throw AdminException.unreachable("cannot reach " + address + ": " + e.getMessage());
        }
    }

    /** The response if its code is one of {@code accepted}; otherwise a failure quoting the remark. */
    static RemotingCommand expect(String address, RemotingCommand response, int... accepted) {
        for (int code : accepted) {
            if (response.code() == code) {
                return response;
            }
        }
        throw AdminException.failed(address + " refused (code " + response.code() + "): " + response.remark());
    }

    @Override
    public void close() {
        client.close();
    }
}
