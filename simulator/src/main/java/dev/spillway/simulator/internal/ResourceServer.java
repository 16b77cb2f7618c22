package dev.spillway.simulator.internal;

import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.ResourceConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One simulated resource: a server socket on 127.0.0.1 and the deployments behind it. It can stop
 * accepting connections (the server socket is closed, so connecting is refused, and open
 * connections are closed) and accept them again on the same port. Thread-safe: binding state
 * changes are synchronized.
 */
public final class ResourceServer {
  /** Largest request body accepted; larger ones get a 413 (assumed: Azure documents no figure). */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final ResourceConfig config;
  private final Map<String, DeploymentRuntime> deployments;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ServerBootstrap bootstrap;
  private final long gatewaySeed;
  private final AtomicLong gatewaySequence = new AtomicLong();
  private Channel serverChannel;
  private volatile int port;

  ResourceServer(ResourceConfig config, SimulatorCore core, EventLoopGroup group) {
    this.config = config;
    Map<String, DeploymentRuntime> byName = new LinkedHashMap<>();
    for (DeploymentConfig deployment : config.deployments()) {
      byName.put(
          deployment.name(),
          new DeploymentRuntime(
              config.id(), deployment, core.clock(), core.seed(), core.slidingWindow()));
    }
    this.deployments = Collections.unmodifiableMap(byName);
    this.gatewaySeed = DeploymentRuntime.mix(core.seed() ^ config.id().hashCode());
    this.port = config.port();
    this.bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerExpectContinueHandler())
                        .addLast(new BodyLimit())
                        .addLast(new RequestHandler(ResourceServer.this, core));
                  }
                });
  }

  /**
   * @return the configuration
   */
  public ResourceConfig config() {
    return config;
  }

  /**
   * @return the deployments by name, in configuration order
   */
  public Map<String, DeploymentRuntime> deployments() {
    return deployments;
  }

  /**
   * @return the bound port (the ephemeral one, once bound)
   */
  public int port() {
    return port;
  }

  /**
   * @return whether the server socket is open
   */
  public synchronized boolean accepting() {
    return serverChannel != null && serverChannel.isOpen();
  }

  /**
   * @return a generator for answers that concern no deployment (401, 404)
   */
  RandomGenerator nextGatewayRandom() {
    return new SplittableRandom(
        DeploymentRuntime.mix(gatewaySeed + gatewaySequence.getAndIncrement() * GOLDEN_GAMMA));
  }

  /**
   * Binds the server socket (on the configured port the first time, then on the same port again).
   *
   * @throws InterruptedException if interrupted while binding
   * @throws IllegalStateException if the port cannot be bound
   */
  public synchronized void bind() throws InterruptedException {
    if (accepting()) {
      return;
    }
    ChannelFuture bound =
        bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).await();
    if (!bound.isSuccess()) {
      throw new IllegalStateException(
          "resource '" + config.id() + "': cannot listen on 127.0.0.1:" + port, bound.cause());
    }
    serverChannel = bound.channel();
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Stops accepting: closes the server socket, so new connections are refused, then the open
   * connections.
   *
   * @throws InterruptedException if interrupted while closing
   */
  public synchronized void refuse() throws InterruptedException {
    if (serverChannel != null) {
      serverChannel.close().await();
      serverChannel = null;
      awaitRefused();
    }
    connections.close().await();
  }

  /**
   * Waits (at most 2 s) until connecting to the port is refused. The JDK closes a socket that is
   * registered with a selector only when that selector next drops its key, which can be after
   * Netty's close future completes: until then the kernel still completes handshakes into the
   * closed channel's backlog (seen on JDK 25 as a connection accepted right after {@link #refuse}).
   */
  private void awaitRefused() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 100);
        if (probe.getLocalPort() == port) {
          return; // Linux's TCP self-connect: nothing listens
        }
      } catch (IOException refused) {
        return;
      }
      Thread.sleep(1);
    }
  }

  /** Closes everything for good. */
  synchronized void close() throws InterruptedException {
    refuse();
  }

  /**
   * Answers 413 with an Azure-style body when a request body is larger than {@link
   * #MAX_BODY_BYTES}.
   */
  private static final class BodyLimit extends HttpObjectAggregator {
    BodyLimit() {
      super(MAX_BODY_BYTES);
    }

    /**
     * Answers an oversized body with 413 (assumed shape: no recording exists). A keep-alive
     * connection stays open while the aggregator discards the rest of the body, so the client can
     * read the answer; others close.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body =
          AzureBodies.error(
              "RequestEntityTooLarge",
              "The request body is larger than the limit of " + MAX_BODY_BYTES + " bytes.");
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      if (HttpUtil.isKeepAlive(oversized) && !HttpUtil.is100ContinueExpected(oversized)) {
        ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
