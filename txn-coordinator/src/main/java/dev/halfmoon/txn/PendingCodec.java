package dev.halfmoon.txn;

import dev.halfmoon.log.meta.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link PendingTransaction} in the snapshot table.
 *
 * <pre>
 * version byte (1) | halfOffset long | transactionId UTF | producerGroup UTF | topic UTF | queueId int
 * | bornHost UTF | storeTimestamp long | timeoutMs long | checkCount int | nextCheckMs long
 * | lastCheckResult UTF ("" for none) | checks int n, then n × (number int, atMs long, target UTF)
 * </pre>
 */
final class PendingCodec implements Codec<PendingTransaction> {
    static final PendingCodec INSTANCE = new PendingCodec();
    private static final int VERSION = 1;

    @Override
    public byte[] encode(PendingTransaction t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(t.halfOffset());
            out.writeUTF(t.transactionId());
            out.writeUTF(t.producerGroup());
            out.writeUTF(t.topic());
            out.writeInt(t.queueId());
            out.writeUTF(t.bornHost());
            out.writeLong(t.storeTimestamp());
            out.writeLong(t.timeoutMs());
            out.writeInt(t.checkCount());
            out.writeLong(t.nextCheckMs());
            out.writeUTF(t.lastCheckResult() == null ? "" : t.lastCheckResult());
            out.writeInt(t.checks().size());
            for (CheckAttempt a : t.checks()) {
                out.writeInt(a.number());
                out.writeLong(a.atMs());
                out.writeUTF(a.target());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public PendingTransaction decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown pending-transaction snapshot version " + version);
            }
            long offset = in.readLong();
            String txId = in.readUTF();
            String group = SharedNames.of(in.readUTF());
            String topic = SharedNames.of(in.readUTF());
            int queueId = in.readInt();
            String bornHost = SharedNames.of(in.readUTF());
            long stored = in.readLong();
            long timeout = in.readLong();
            int count = in.readInt();
            long next = in.readLong();
            String last = SharedNames.of(in.readUTF());
            int n = in.readInt();
            List<CheckAttempt> checks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                checks.add(new CheckAttempt(in.readInt(), in.readLong(), SharedNames.of(in.readUTF())));
            }
            return new PendingTransaction(offset, txId, group, topic, queueId, bornHost, stored, timeout, count, next,
                    last.isEmpty() ? null : last, checks, TransactionState.PENDING);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt pending-transaction snapshot entry", e);
        }
    }
}
