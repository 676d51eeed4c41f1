package dev.halfmoon.broker.send;

import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SEND_BATCH_MESSAGE body into its messages ({@code MessageDecoder.encodeMessage} each):
 * <pre>
 * totalSize int32 | magicCode int32 | bodyCRC int32 | flag int32 | bodyLength int32 | body | propertiesLength int16 | properties
 * </pre>
 * Stateless.
 */
final class BatchBody {
    /** One message of a batch. */
    record Item(int flag, byte[] body, String properties) {
    }

    private BatchBody() {
    }

    /** @throws RequestException (MESSAGE_ILLEGAL) naming the message that does not parse */
    static List<Item> split(byte[] body) {
        List<Item> items = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body == null ? new byte[0] : body);
        while (b.hasRemaining()) {
            int start = b.position();
            try {
                int total = b.getInt();
                b.getInt();
                b.getInt();
                int flag = b.getInt();
                int bodyLength = b.getInt();
                if (bodyLength < 0 || bodyLength > b.remaining()) {
                    throw illegal(items.size(), "body length " + bodyLength);
                }
                byte[] payload = new byte[bodyLength];
                b.get(payload);
                int propertiesLength = b.getShort();
                if (propertiesLength < 0 || propertiesLength > b.remaining()) {
                    throw illegal(items.size(), "properties length " + propertiesLength);
                }
                byte[] properties = new byte[propertiesLength];
                b.get(properties);
                if (b.position() - start != total) {
                    throw illegal(items.size(), "totalSize " + total + " but " + (b.position() - start) + " bytes");
                }
                items.add(new Item(flag, payload, new String(properties, StandardCharsets.UTF_8)));
            } catch (BufferUnderflowException e) {
                throw illegal(items.size(), "truncated");
            }
        }
        if (items.isEmpty()) {
            throw new RequestException(ResponseCode.MESSAGE_ILLEGAL, "the batch holds no message");
        }
        return items;
    }

    private static RequestException illegal(int index, String what) {
        return new RequestException(ResponseCode.MESSAGE_ILLEGAL, "malformed batch body at message " + index + ": " + what);
    }
}
