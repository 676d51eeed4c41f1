package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FrameCodecTest {
    private static ByteBuf encode(RemotingCommand cmd) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        ch.writeOutbound(cmd);
        ByteBuf out = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.writeBytes(b);
            b.release();
        }
        return out;
    }

    /** A decoding channel that records what it decodes and whether it closed itself. */
    private static final class Sink {
        final List<RemotingCommand> decoded = new ArrayList<>();
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(4096), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                decoded.add((RemotingCommand) msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
    }

    /** A peer that sends a frame a byte now and then (slow loris) holds up to a frame of memory: it gets a deadline. */
    @Test
    void aFrameThatDoesNotCompleteWithinItsDeadlineClosesTheConnection() {
        AtomicLong now = new AtomicLong();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(4096, 60_000, now::get, PartialFrames.UNLIMITED), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        byte[] frame = ByteBufUtil.getBytes(encode(RemotingCommand.request(RequestCode.HEART_BEAT, Map.of(), new byte[100])));
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 10));
        now.addAndGet(59_000_000_000L);
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 10, 10));
        assertTrue(ch.isOpen(), "within its deadline");
        now.addAndGet(2_000_000_000L);
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 20, 10));
        assertFalse(ch.isOpen(), "61 s for one frame: closed");
    }

    @Test
    void binaryHeaderMatchesTheReferenceClientBytes() {
        RemotingCommand cmd = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", "T1"), null)
                .withSerializeType(SerializeType.ROCKETMQ);
        String hex = HexFormat.of().formatHex(ByteBufUtil.getBytes(encode(cmd)));
        assertEquals("00000026" + "01000022" + "0069" + "00" + "0199" + "00000000" + "00000000" + "00000000" + "0000000d"
                + "0005" + HexFormat.of().formatHex("topic".getBytes()) + "00000002" + HexFormat.of().formatHex("T1".getBytes()), hex);
    }

    @Test
    void binaryHeaderLengthsCountBytesNotCharacters() {
        RemotingCommand sent = RemotingCommand.response(3, 1, "Prüfung fehlgeschlagen ✗")
                .withExt(Map.of("k\u00e9y", "v\u00e4lue \u4e2d\u6587")).withSerializeType(SerializeType.ROCKETMQ);
        Sink sink = new Sink();
        sink.channel.writeInbound(encode(sent));
        RemotingCommand got = sink.decoded.get(0);
        assertEquals(sent.remark(), got.remark());
        assertEquals(sent.extFields(), got.extFields());
        assertEquals(3, got.opaque());
    }

    @Test
    void jsonHeaderHasFastjsonShape() {
        RemotingCommand request = RemotingCommand.request(105, Map.of("topic", "T1"), null);
        assertEquals("{\"code\":105,\"extFields\":{\"topic\":\"T1\"},\"flag\":0,\"language\":\"JAVA\",\"opaque\":0,"
                + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}", new String(HeaderCodec.encode(request), StandardCharsets.UTF_8));
        RemotingCommand response = RemotingCommand.response(request, 0, null).withExt(Map.of());
        assertEquals("{\"code\":0,\"extFields\":{},\"flag\":1,\"language\":\"JAVA\",\"opaque\":0,"
                + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}", new String(HeaderCodec.encode(response), StandardCharsets.UTF_8));
    }

    @Test
    void bothEncodingsRoundTripThroughFramesSplitAndMergedAtEveryPoint() {
        List<RemotingCommand> sent = List.of(
                RemotingCommand.request(310, Map.of("a", "PG", "b", "T1", "i", "UNIQ_KEY\u0001X\u0002TAGS\u0001A"), "hello".getBytes())
                        .withOpaque(7),
                RemotingCommand.request(34, null, "{}".getBytes()).withOpaque(8).withSerializeType(SerializeType.ROCKETMQ),
                RemotingCommand.response(9, 17, "topic not exist").withBodyParts(ByteBuffer.wrap("ab".getBytes()),
                        ByteBuffer.wrap("cd".getBytes())));
        ByteBuf all = Unpooled.buffer();
        for (RemotingCommand c : sent) {
            all.writeBytes(encode(c));
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        for (int split = 1; split < bytes.length; split += 7) {
            Sink sink = new Sink();
            sink.channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            sink.channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            assertEquals(3, sink.decoded.size(), "split at " + split);
            RemotingCommand a = sink.decoded.get(0);
            assertEquals(310, a.code());
            assertEquals(7, a.opaque());
            assertEquals("UNIQ_KEY\u0001X\u0002TAGS\u0001A", a.ext("i"));
            assertEquals("hello", new String(a.body()));
            RemotingCommand b = sink.decoded.get(1);
            assertEquals(SerializeType.ROCKETMQ, b.serializeType());
            assertNull(b.extFields());
            assertEquals(8, b.opaque());
            RemotingCommand c = sink.decoded.get(2);
            assertTrue(c.isResponse());
            assertEquals("topic not exist", c.remark());
            assertEquals("abcd", new String(c.body()));
        }
    }

    @Test
    void oversizedFrameClosesTheChannel() {
        Sink sink = new Sink();
        sink.channel.writeInbound(Unpooled.buffer().writeInt(1 << 20).writeInt(0));
        assertFalse(sink.channel.isOpen());
        assertTrue(sink.decoded.isEmpty());
    }

    @Test
    void malformedHeadersCloseTheChannel() {
        byte[][] frames = {
            frame(0, "not json at all".getBytes()),
            frame(0, "[1,2]".getBytes()),
            frame(0, "{\"flag\":0}".getBytes()),
            frame(5, "{}".getBytes()),
            frame(1, new byte[] {0, 1, 0}),
            headerBeyondFrame(),
        };
        for (byte[] f : frames) {
            Sink sink = new Sink();
            sink.channel.writeInbound(Unpooled.wrappedBuffer(f));
            assertFalse(sink.channel.isOpen(), HexFormat.of().formatHex(f));
            assertTrue(sink.decoded.isEmpty());
        }
    }

    @Test
    void randomBytesNeverEscapeAsACommandWithoutAClose() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[random.nextInt(64) + 8];
            random.nextBytes(junk);
            Sink sink = new Sink();
            sink.channel.writeInbound(Unpooled.wrappedBuffer(junk));
            for (RemotingCommand c : sink.decoded) {
                assertTrue(c.code() >= Short.MIN_VALUE);
            }
        }
    }

    private static byte[] frame(int type, byte[] header) {
        return Unpooled.buffer().writeInt(4 + header.length).writeInt(type << 24 | header.length).writeBytes(header).array();
    }

    private static byte[] headerBeyondFrame() {
        ByteBuf b = Unpooled.buffer().writeInt(8).writeInt(500).writeInt(0);
        return ByteBufUtil.getBytes(b);
    }
}
