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
 * connected and has room in its {@link CheckWindow}, else the next in turn that has. When every
 * producer of the group has its window full, the check is not sent (and not counted). Thread-safe.
 */
public final class BrokerCheckTransport implements CheckTransport {
    private final ClientRegistry clients;
    private final TransactionCoordinator coordinator;
    private final CheckWindow window;
    private final AtomicInteger turn = new AtomicInteger();
    private final Eligible eligible;

    /** Whether a producer of the group may be sent the check-backs of a transaction on a topic (its account's right). */
    @FunctionalInterface
    public interface Eligible {
        Eligible ANY = (producer, topic) -> true;

        boolean mayCheck(ClientChannel producer, String topic);
    }

    public BrokerCheckTransport(ClientRegistry clients, TransactionCoordinator coordinator, CheckWindow window,
                                Eligible eligible) {
        this.clients = clients;
        this.coordinator = coordinator;
        this.window = window;
        this.eligible = eligible;
    }

    @Override
    public Delivery send(CheckRequest request) {
        PendingTransaction t = request.transaction();
        List<ClientChannel> producers = clients.producers(t.producerGroup()).stream()
                .filter(p -> eligible.mayCheck(p, t.topic())).toList();
        if (producers.isEmpty()) {
            return Delivery.notSent(noProducer(t.producerGroup()));
        }
        ClientChannel target = target(producers, t);
        if (target == null) {
            return Delivery.notSent(busy(t.producerGroup()));
        }
        Map<String, String> header = new HashMap<>();
        header.put("tranStateTableOffset", Long.toString(t.halfOffset()));
        header.put("commitLogOffset", Long.toString(t.halfOffset()));
        header.put("msgId", t.transactionId());
        header.put("transactionId", t.transactionId());
        header.put("offsetMsgId", coordinator.offsetMessageId(t.halfOffset()));
        ByteBuffer body = request.body();
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        target.channel().oneway(RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE, header, bytes))
                .whenComplete((ok, failed) -> {
                    if (failed != null) { // (the connection broke): the slot is free for a check that can get there
                        window.answered(target.channel(), t.halfOffset());
                    }
                });
        return Delivery.sentTo(label(target));
    }

    @Override
    public boolean absent(String producerGroup) {
        return clients.producers(producerGroup).isEmpty();
    }

    @Override
    public String unreachable(String producerGroup) {
        List<ClientChannel> producers = clients.producers(producerGroup);
        if (producers.isEmpty()) {
            return noProducer(producerGroup);
        }
        return producers.stream().anyMatch(p -> writable(p) && window.hasRoom(p.channel())) ? null : busy(producerGroup);
    }

    /**
     * Whether a check written to {@code p} now would leave soon: not if the connection's outbound buffer is over its
     * high-water mark (a producer not reading), where it would count as sent while it waits, or never goes.
     */
    private static boolean writable(ClientChannel p) {
        return p.channel().isWritable();
    }

    private static String noProducer(String group) {
        return "no live producer in group " + group + "; will ask again";
    }

    private String busy(String group) {
        return "every producer of group " + group + " has " + window.size()
                + " check-backs unanswered (transactionCheckWindow) or is not reading what is sent; will ask again";
    }

    /**
     * Who is asked: the first check goes to the sender of the half if it is connected and has room; later ones go round
     * the group, to another producer than the one asked last when there is one with room (an instance that is connected
     * but hung would otherwise get every check, and the transaction be given up, with healthy ones never asked; RocketMQ
     * goes round too). Null if none has room.
     */
    private ClientChannel target(List<ClientChannel> producers, PendingTransaction t) {
        String last = t.checks().isEmpty() ? null : t.checks().get(t.checks().size() - 1).target();
        if (last == null) {
            for (ClientChannel p : producers) {
                if (p.channel().remoteAddress().equals(t.bornHost()) && take(p, t)) {
                    return p;
                }
            }
        }
        int first = Math.floorMod(turn.getAndIncrement(), producers.size());
        ClientChannel askedLast = null;
        for (int i = 0; i < producers.size(); i++) {
            ClientChannel p = producers.get((first + i) % producers.size());
            if (label(p).equals(last)) {
                askedLast = p;
            } else if (take(p, t)) {
                return p;
            }
        }
        return askedLast != null && take(askedLast, t) ? askedLast : null;
    }

    private boolean take(ClientChannel p, PendingTransaction t) {
        return writable(p) && window.take(p.channel(), t.halfOffset());
    }

    /** How a check's target is recorded (and shown to operators): client id and address. */
    private static String label(ClientChannel p) {
        return p.clientId() + "@" + p.channel().remoteAddress();
    }
}
