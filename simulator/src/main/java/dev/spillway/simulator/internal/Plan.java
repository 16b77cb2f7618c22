package dev.spillway.simulator.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How one request is answered over time: a whole response after a delay, a paced SSE stream, or a
 * TCP reset; each may be cut by a reset. Plans run on the connection's event loop and never block
 * it: every wait is a scheduled task. Not thread-safe (confined to one event loop).
 */
abstract class Plan {
  /**
   * How long a reset mid-body waits after the last flushed bytes, so that the client has read them
   * before the RST (a Linux receiver drops unread data when an RST arrives).
   */
  static final long RESET_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  protected ScheduledFuture<?> pending;

  /**
   * Starts the plan.
   *
   * @param ctx the connection
   * @param done run once the response is complete and the connection may serve the next request
   */
  abstract void start(ChannelHandlerContext ctx, Runnable done);

  /** The connection closed before the plan finished: stop and settle. */
  void abandon() {
    if (pending != null) {
      pending.cancel(false);
    }
  }

  protected void later(ChannelHandlerContext ctx, long delayNanos, Runnable task) {
    if (delayNanos <= 0) {
      task.run();
    } else {
      pending = ctx.executor().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Closes the connection with a TCP reset: SO_LINGER 0, then close. */
  static void reset(Channel channel) {
    if (channel.isOpen()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    }
  }

  /** A whole response after a delay; optionally cut by a reset after half of the body. */
  static final class Whole extends Plan {
    private final Reply reply;
    private final long delayNanos;
    private final boolean keepAlive;
    private final Exchange exchange;
    private final int completionTokens;
    private final boolean resetMidBody;
    private final Runnable afterWrite;

    /**
     * @param reply the response
     * @param delayNanos the real delay before it is sent
     * @param keepAlive whether the connection stays open afterwards
     * @param exchange the admitted request to settle, or null
     * @param completionTokens completion tokens in the body (for settling)
     * @param resetMidBody whether to send half of the body and reset
     * @param afterWrite run once the response is written (e.g. a control action), or null
     */
    Whole(
        Reply reply,
        long delayNanos,
        boolean keepAlive,
        Exchange exchange,
        int completionTokens,
        boolean resetMidBody,
        Runnable afterWrite) {
      this.reply = reply;
      this.delayNanos = delayNanos;
      this.keepAlive = keepAlive;
      this.exchange = exchange;
      this.completionTokens = completionTokens;
      this.resetMidBody = resetMidBody;
      this.afterWrite = afterWrite;
    }

    static Whole now(Reply reply, boolean keepAlive) {
      return new Whole(reply, 0, keepAlive, null, 0, false, null);
    }

    @Override
    void start(ChannelHandlerContext ctx, Runnable done) {
      later(ctx, delayNanos, () -> send(ctx, done));
    }

    private void send(ChannelHandlerContext ctx, Runnable done) {
      pending = null;
      if (!ctx.channel().isActive()) {
        abandon();
        return;
      }
      if (resetMidBody) {
        byte[] half = Arrays.copyOf(reply.body(), reply.body().length / 2);
        ctx.write(reply.head());
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(half)));
        settleFailed();
        later(ctx, RESET_GAP_NANOS, () -> reset(ctx.channel()));
        return;
      }
      ctx.writeAndFlush(reply.full())
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (exchange != null) {
                      if (f.isSuccess()) {
                        exchange.succeed(completionTokens);
                      } else {
                        exchange.fail(0);
                      }
                    }
                    if (afterWrite != null) {
                      afterWrite.run();
                    }
                    if (!keepAlive || !f.isSuccess()) {
                      f.channel().close();
                    } else {
                      done.run();
                    }
                  });
    }

    private void settleFailed() {
      if (exchange != null) {
        exchange.fail(0);
      }
    }

    @Override
    void abandon() {
      super.abandon();
      settleFailed();
    }
  }

  /** A TCP reset before any byte of the response, after a delay. */
  static final class ResetBeforeHeaders extends Plan {
    private final long delayNanos;
    private final Exchange exchange;

    ResetBeforeHeaders(long delayNanos, Exchange exchange) {
      this.delayNanos = delayNanos;
      this.exchange = exchange;
    }

    @Override
    void start(ChannelHandlerContext ctx, Runnable done) {
      later(
          ctx,
          delayNanos,
          () -> {
            exchange.fail(0);
            reset(ctx.channel());
          });
    }

    @Override
    void abandon() {
      super.abandon();
      exchange.fail(0);
    }
  }

  /**
   * A server-sent-events answer: headers and the first frames after the time to first token, then
   * one token frame per token time, then the closing frames; optionally cut by a reset after half
   * the tokens. Frames that are due are written together and flushed once, so pacing finer than the
   * scheduler's resolution degrades into small batches, never into a backlog.
   */
  static final class Streamed extends Plan {
    private final Reply head;
    private final AzureBodies.Stream stream;
    private final long firstNanos;
    private final long perTokenNanos;
    private final boolean keepAlive;
    private final Exchange exchange;
    private final int resetAt;
    private long startedAt;
    private int next;

    /**
     * @param head status and headers
     * @param stream the frames
     * @param firstNanos real delay to the headers and first token
     * @param perTokenNanos real time per token
     * @param keepAlive whether the connection stays open afterwards
     * @param exchange the admitted request to settle
     * @param resetMidStream whether to reset after half of the tokens (at least one)
     */
    Streamed(
        Reply head,
        AzureBodies.Stream stream,
        long firstNanos,
        long perTokenNanos,
        boolean keepAlive,
        Exchange exchange,
        boolean resetMidStream) {
      this.head = head;
      this.stream = stream;
      this.firstNanos = firstNanos;
      this.perTokenNanos = perTokenNanos;
      this.keepAlive = keepAlive;
      this.exchange = exchange;
      this.resetAt =
          resetMidStream ? stream.firstContentFrame() + Math.max(1, stream.tokenCount() / 2) : -1;
    }

    @Override
    void start(ChannelHandlerContext ctx, Runnable done) {
      startedAt = System.nanoTime();
      later(ctx, firstNanos, () -> pump(ctx, done));
    }

    private long dueAt(int frame) {
      int token = Math.max(0, Math.min(frame - stream.firstContentFrame(), stream.tokenCount()));
      return startedAt + firstNanos + token * perTokenNanos;
    }

    private int tokensSent() {
      return Math.max(0, Math.min(next - stream.firstContentFrame(), stream.tokenCount()));
    }

    private void pump(ChannelHandlerContext ctx, Runnable done) {
      pending = null;
      if (!ctx.channel().isActive()) {
        abandon();
        return;
      }
      if (next == 0) {
        ctx.write(head.streamHead());
      }
      long now = System.nanoTime();
      int size = stream.size();
      while (next < size && dueAt(next) <= now) {
        if (next == resetAt) {
          ctx.flush();
          exchange.fail(tokensSent());
          later(ctx, RESET_GAP_NANOS, () -> reset(ctx.channel()));
          return;
        }
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(stream.frame(next))));
        next++;
      }
      if (next < size) {
        ctx.flush();
        later(ctx, dueAt(next) - now, () -> pump(ctx, done));
        return;
      }
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      exchange.succeed(stream.tokenCount());
                    } else {
                      exchange.fail(tokensSent());
                    }
                    if (!keepAlive || !f.isSuccess()) {
                      f.channel().close();
                    } else {
                      done.run();
                    }
                  });
    }

    @Override
    void abandon() {
      super.abandon();
      exchange.fail(tokensSent());
    }
  }
}
