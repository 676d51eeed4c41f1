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
        namesrvs.forEach(a -> checkAddress("--namesrv", a));
        if (broker != null) {
            checkAddress("--broker", broker);
        }
        this.namesrvs = List.copyOf(namesrvs);
        this.broker = broker;
        this.timeoutMs = timeoutMs;
        this.client = new RemotingClient("admin", 64 << 20, (int) Math.min(timeoutMs, 5000));
    }

    private static void checkAddress(String option, String address) {
        if (address.contains(",")) {
            throw new AdminException(ExitCodes.USAGE, option + ": '" + address + "': separate name servers with ';', as "
                    + "RocketMQ does (quote it in a shell: \"host1:9876;host2:9876\")");
        }
        int colon = address.lastIndexOf(':');
        boolean ok = colon > 0 && colon < address.length() - 1;
        if (ok) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                ok = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new AdminException(ExitCodes.USAGE, option + ": '" + address + "' is not HOST:PORT (port 1-65535"
                    + (option.equals("--namesrv") ? "; several are separated by ';')" : ")"));
        }
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
            throw noBroker();
        }
        return masters;
    }

    /** No broker registered: "unreachable" to scripts (exit 3), as when none answers. */
    AdminException noBroker() {
        return AdminException.unreachable("the name servers " + namesrvs + " know no live broker (a broker that has "
                + "not registered for 2 minutes, or whose connection closed, is dropped)");
    }

    /** What the masters answered, in order, and those that could not be reached ("name (address)"). */
    public record Reached<T>(List<Map.Entry<BrokerRef, T>> answers, List<String> unreachable) {
    }

    /**
     * Asks every master; one that cannot be reached is left out and named, so that one broker down does not hide
     * what the others say. Throws if none could be reached, or if one refused.
     */
    public <T> Reached<T> eachMaster(java.util.function.Function<BrokerRef, T> ask) {
        List<Map.Entry<BrokerRef, T>> answers = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        AdminException last = null;
        for (BrokerRef b : masters()) {
            try {
                answers.add(Map.entry(b, ask.apply(b)));
            } catch (AdminException e) {
                if (e.exitCode() != ExitCodes.UNREACHABLE) {
                    throw e;
                }
                unreachable.add(b.name() + " (" + b.address() + ")");
                last = e;
            }
        }
        if (answers.isEmpty() && last != null) {
            throw last;
        }
        return new Reached<>(answers, unreachable);
    }

    /**
     * A request that changes something. No answer in time means its outcome is unknown, and the message says so
     * and how to find out ({@code checkWith}).
     */
    public RemotingCommand change(String address, int code, Map<String, String> headers, String checkWith) {
        return change(address, code, headers, null, checkWith);
    }

    /** As {@link #change(String, int, Map, String)}, with a body. */
    public RemotingCommand change(String address, int code, Map<String, String> headers, byte[] body, String checkWith) {
        try {
            return expect(address, client.invokeSync(address, RemotingCommand.request(code, headers, body), timeoutMs),
                    ResponseCode.SUCCESS);
        } catch (RemotingException.Timeout e) {
            throw AdminException.unreachable("no answer from " + address + " within " + timeoutMs + " ms: the change may or "
                    + "may not have been made; " + checkWith);
        } catch (RemotingException e) {
            throw AdminException.unreachable("cannot reach " + address + ": " + e.getMessage());
        }
    }

    /** Asks the first name server that answers. */
    public RemotingCommand callNamesrv(int code, Map<String, String> headers) {
        if (namesrvs.isEmpty()) {
            throw new AdminException(ExitCodes.USAGE, "this command needs --namesrv host:port (or NAMESRV_ADDR)");
        }
        AdminException last = null;
        for (String namesrv : namesrvs) {
            try {
                RemotingCommand response = exchange(namesrv, code, headers, null);
                if (response.code() == ResponseCode.REQUEST_CODE_NOT_SUPPORTED) {
                    throw AdminException.failed(namesrv + " does not answer as a name server (" + response.remark()
                            + "); if it is a broker, give it with --broker");
                }
                return expect(namesrv, response, ResponseCode.SUCCESS);
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

    /**
     * Does {@code change} on each broker in turn. If one fails: nothing done yet, that failure as it is (nothing
     * changed); else {@link ExitCodes#PARTIAL}, saying where it was {@code done} and where not, and why.
     */
    static void onEach(List<BrokerRef> brokers, java.util.function.Consumer<BrokerRef> change,
                               String done) {
        List<BrokerRef> changed = new ArrayList<>();
        for (BrokerRef b : brokers) {
            try {
                change.accept(b);
                changed.add(b);
            } catch (AdminException e) {
                if (changed.isEmpty()) {
                    throw e;
                }
                List<BrokerRef> left = brokers.subList(brokers.indexOf(b), brokers.size());
                throw new AdminException(ExitCodes.PARTIAL, done + " on " + names(changed) + " only: " + b.name() + " failed ("
                        + e.getMessage() + "); not tried: " + (left.size() > 1 ? names(left.subList(1, left.size())) : "none") + ". Run the command again "
                        + "for those brokers, or undo it on the others");
            }
        }
    }

    static String names(List<BrokerRef> brokers) {
        return String.join(", ", brokers.stream().map(BrokerRef::name).toList());
    }

    @Override
    public void close() {
        client.close();
    }
}
