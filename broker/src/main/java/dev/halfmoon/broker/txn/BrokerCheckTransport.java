package dev.halfmoon.broker.txn;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.checkback.CheckTransport;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.txn.CheckRequest;
import dev.halfmoon.txn.PendingTransaction;
import dev.halfmoon.txn.TransactionCoordinator;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Check-backs over the wire: CHECK_TRANSACTION_STATE, oneway, on the connection of a live
 * producer of the transaction's group — the one that sent the half message if it is still
 * connected, else the next in turn. Thread-safe.
 */
public final class BrokerCheckTransport implements CheckTransport {
    private final ClientRegistry clients;
    private final TransactionCoordinator coordinator;
    private final AtomicInteger turn = new AtomicInteger();

    public BrokerCheckTransport(ClientRegistry clients, TransactionCoordinator coordinator) {
        this.clients = clients;
        this.coordinator = coordinator;
    }

    @Override
    public Delivery send(CheckRequest request) {
        PendingTransaction t = request.transaction();
        List<ClientChannel> producers = clients.producers(t.producerGroup());
        if (producers.isEmpty()) {
            return Delivery.notSent("no live producer in group " + t.producerGroup() + "; will ask again");
        }
        ClientChannel target = producers.stream().filter(p -> p.channel().remoteAddress().equals(t.bornHost())).findFirst()
                .orElseGet(() -> producers.get(Math.floorMod(turn.getAndIncrement(), producers.size())));
        Map<String, String> header = new HashMap<>();
        header.put("tranStateTableOffset", Long.toString(t.halfOffset()));
        header.put("commitLogOffset", Long.toString(t.halfOffset()));
        header.put("msgId", t.transactionId());
        header.put("transactionId", t.transactionId());
        header.put("offsetMsgId", coordinator.offsetMessageId(t.halfOffset()));
        ByteBuffer body = request.body();
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        target.channel().oneway(RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE, header, bytes));
        return Delivery.sentTo(target.clientId() + "@" + target.channel().remoteAddress());
    }
}
