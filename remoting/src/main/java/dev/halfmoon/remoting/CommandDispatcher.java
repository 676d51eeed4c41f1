package dev.halfmoon.remoting;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: responses complete their waiting request, requests go to the
 * processor registered for their code on that processor's executor (or at once, on the network
 * thread, when the processor says the request {@link RequestProcessor#runsInline runs inline}). An unknown code is answered
 * REQUEST_CODE_NOT_SUPPORTED, a full executor or too many bytes of request bodies in progress SYSTEM_BUSY, a
 * {@link RequestException} with its
 * code and remark, anything else SYSTEM_ERROR (logged once). A frame that cannot be decoded, or an
 * idle connection, closes that channel only. Oneway requests are never answered.
 * Thread-safe; shared by the channels of one endpoint.
 */
@ChannelHandler.Sharable
final class CommandDispatcher extends SimpleChannelInboundHandler<RemotingCommand> {
    private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

    private record Registration(RequestProcessor processor, Executor executor, LongAdder ranInline) {
    }

    private final String role;
    private final ResponseTable responses;
    private final Map<Integer, Registration> processors = new ConcurrentHashMap<>();
    private final List<ChannelListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Bytes of the bodies of requests taken and not yet answered (they are on the heap until then). */
    private final AtomicLong bodyBytes = new AtomicLong();
    private volatile long maxBodyBytes = Long.MAX_VALUE;
    private volatile boolean draining;
    private volatile RequestGuard guard = RequestGuard.OPEN;
    private final LogLimiter badFrames = new LogLimiter(LOG, "connections closed after a bad frame", 20, 60, TimeUnit.SECONDS);
    private final LogLimiter closes = new LogLimiter(LOG, "connections closed on errors", 20, 60, TimeUnit.SECONDS);

    CommandDispatcher(String role, ResponseTable responses) {
        this.role = role;
        this.responses = responses;
    }

    void register(int code, RequestProcessor processor, Executor executor) {
        processors.put(code, new Registration(processor, executor, new LongAdder()));
    }

    /** How many requests of {@code code} ran on the network thread that read them; 0 for an unregistered code. */
    long ranInline(int code) {
        Registration registration = processors.get(code);
        return registration == null ? 0 : registration.ranInline().sum();
    }

    /** Requests whose bodies would take those in progress over {@code bytes} are answered SYSTEM_BUSY. */
    void maxBodyBytes(long bytes) {
        this.maxBodyBytes = bytes;
    }

    void guard(RequestGuard newGuard) {
        this.guard = newGuard;
    }

    void addListener(ChannelListener listener) {
        listeners.add(listener);
    }

    ResponseTable responses() {
        return responses;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RemotingCommand cmd) {
        if (cmd.isResponse()) {
            if (!responses.complete(cmd, ctx.channel())) {
                LOG.debug("{}: response with opaque {} from {} matches no request", role, cmd.opaque(),
                        ctx.channel().remoteAddress());
            }
            return;
        }
        RemotingChannel channel = RemotingChannel.of(ctx.channel(), responses);
        if (draining) {
            answer(channel, cmd, ResponseCode.SERVICE_NOT_AVAILABLE, role + " is shutting down; try again later");
            return;
        }
        Registration registration = processors.get(cmd.code());
        if (registration == null) {
            answer(channel, cmd, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, " request type " + cmd.code() + " not supported");
            return;
        }
        int bytes = cmd.bodyLength();
        if (!takeBodyBytes(bytes)) {
            answer(channel, cmd, ResponseCode.SYSTEM_BUSY, "[REJECTREQUEST]system busy: " + (bodyBytes.get() >> 20)
                    + " MiB of request bodies in progress, the most this " + role + " holds; try again later");
            return;
        }
        inFlight.incrementAndGet();
        if (inline(registration.processor(), cmd)) {
            registration.ranInline().increment();
            run(registration.processor(), channel, cmd);
            return;
        }
        try {
            registration.executor().execute(() -> run(registration.processor(), channel, cmd));
        } catch (RejectedExecutionException e) {
            finished(cmd);
            answer(channel, cmd, ResponseCode.SYSTEM_BUSY,
                    "[REJECTREQUEST]system busy, too many requests of code " + cmd.code() + " queued; try again later");
        }
    }

    /** Bytes of request bodies taken and not yet answered. */
    long bodyBytes() {
        return bodyBytes.get();
    }

    /** Counts {@code bytes} of body as held until the request is answered; false (nothing counted) over the budget. */
    private boolean takeBodyBytes(int bytes) {
        if (bytes == 0) {
            return true;
        }
        long held = bodyBytes.addAndGet(bytes);
        if (held > maxBodyBytes && held != bytes) { // (one request alone is never refused: the frame limit bounds it)
            bodyBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** A request taken by {@link #channelRead0} is done with: answered, dropped or refused. */
    private void finished(RemotingCommand request) {
        inFlight.decrementAndGet();
        bodyBytes.addAndGet(-request.bodyLength());
    }

    private static boolean inline(RequestProcessor processor, RemotingCommand request) {
        try {
            return processor.runsInline(request);
        } catch (RuntimeException e) { // a bad header: the executor's run answers it properly
            return false;
        }
    }

    private void run(RequestProcessor processor, RemotingChannel channel, RemotingCommand request) {
        CompletableFuture<RemotingCommand> result;
        try {
            guard.check(channel, request);
            result = processor.process(channel, request);
        } catch (Throwable t) {
            result = CompletableFuture.failedFuture(t);
        }
        if (result == null) {
            finished(request);
            return;
        }
        result.whenComplete((response, error) -> {
            // the body's bytes are given back before the answer goes: the client's next request must find them free
            bodyBytes.addAndGet(-request.bodyLength());
            try {
                if (error != null) {
                    fail(channel, request, error);
                } else if (response != null && !request.isOneway()) {
                    channel.respond(response);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    /**
     * Stops taking requests (each new one is answered SERVICE_NOT_AVAILABLE) and waits up to
     * {@code timeoutMs} for those in progress to be answered.
     *
     * @return true if every request in progress was answered
     */
    boolean drain(long timeoutMs) {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inFlight.get() == 0;
    }

    private void fail(RemotingChannel channel, RemotingCommand request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RequestException re) {
            answer(channel, request, re.responseCode(), re.getMessage());
        } else if (cause instanceof RemotingDecodeException de) {
            answer(channel, request, ResponseCode.SYSTEM_ERROR, de.getMessage());
        } else {
            LOG.error("{}: request code {} from {} failed", role, request.code(), channel.remoteAddress(), cause);
            answer(channel, request, ResponseCode.SYSTEM_ERROR, "request code " + request.code() + " failed: " + cause);
        }
    }

    private static void answer(RemotingChannel channel, RemotingCommand request, int code, String remark) {
        if (!request.isOneway()) {
            channel.respond(RemotingCommand.response(request, code, remark));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            LOG.info("{}: closing idle connection {}", role, ctx.channel().remoteAddress());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() != null && !(cause instanceof TooLongFrameException) ? cause.getCause() : cause;
        if (root instanceof RemotingDecodeException || cause instanceof TooLongFrameException) {
            if (badFrames.allow()) {
                LOG.warn("{}: closing {} after a bad frame: {}", role, ctx.channel().remoteAddress(), root.getMessage());
            }
        } else if (closes.allow()) {
            LOG.info("{}: closing {}: {}", role, ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        RemotingChannel channel = RemotingChannel.of(ctx.channel(), responses);
        responses.closed(ctx.channel(), channel.remoteAddress());
        for (ChannelListener listener : listeners) {
            try {
                listener.onClose(channel);
            } catch (RuntimeException e) {
                LOG.error("{}: channel listener failed for {}", role, channel, e);
            }
        }
        ctx.fireChannelInactive();
    }
}
