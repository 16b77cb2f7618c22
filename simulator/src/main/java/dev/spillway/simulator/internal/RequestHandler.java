package dev.spillway.simulator.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection, in order: the gateway's checks ({@link GatewayAuth},
 * {@link Route}, the deployment, which a v1 request names as its body's {@code model}), the model
 * layer's ({@link RequestBody}), then the {@link AnswerPlanner}'s plan, paced by the latency model.
 * A response that is still being paced holds back the next pipelined request. Not thread-safe: one
 * instance per connection, confined to its event loop.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

  private final ResourceServer resource;
  private final SimulatorCore core;
  private final ReplyHeaders headers;
  private final AnswerPlanner planner;
  private final ArrayDeque<Plan> waiting = new ArrayDeque<>();
  private Plan current;

  RequestHandler(ResourceServer resource, SimulatorCore core) {
    super(FullHttpRequest.class, true);
    this.resource = resource;
    this.core = core;
    this.headers = new ReplyHeaders(core.wallClock(), resource.config().region());
    this.planner = new AnswerPlanner(core, headers);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    Plan plan;
    try {
      plan = answer(request, keepAlive);
    } catch (RuntimeException e) {
      LOG.warn(
          "resource '{}': cannot answer {} {}",
          resource.config().id(),
          request.method(),
          request.uri(),
          e);
      plan =
          Plan.Whole.now(
              new Reply(
                  HttpResponseStatus.INTERNAL_SERVER_ERROR,
                  headers.json(),
                  AzureBodies.error("InternalServerError", "The simulator failed: " + e)),
              false);
    }
    if (current == null) {
      run(ctx, plan);
    } else {
      waiting.add(plan);
    }
  }

  private void run(ChannelHandlerContext ctx, Plan plan) {
    current = plan;
    plan.start(
        ctx,
        () -> {
          current = null;
          Plan next = waiting.poll();
          if (next != null) {
            run(ctx, next);
          }
        });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.abandon();
      current = null;
    }
    for (Plan plan = waiting.poll(); plan != null; plan = waiting.poll()) {
      plan.abandon();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("resource '{}': connection error, closing it", resource.config().id(), cause);
    ctx.close();
  }

  private Plan answer(FullHttpRequest request, boolean keepAlive) {
    if (!request.decoderResult().isSuccess()) {
      return Plan.Whole.now(
          new Reply(HttpResponseStatus.BAD_REQUEST, headers.json(), FixedBodies.BAD_HTTP), false);
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    if (uri.path().startsWith(ControlApi.PREFIX)) {
      return core.control().answer(request, uri, keepAlive);
    }
    if (!GatewayAuth.authorized(request.headers(), resource.config().apiKey())) {
      return gateway(
          HttpResponseStatus.UNAUTHORIZED, FixedBodies.UNAUTHORIZED, false, request, keepAlive);
    }
    Route route = Route.of(request.method(), uri);
    if (route == null) {
      return gateway(
          HttpResponseStatus.NOT_FOUND, FixedBodies.RESOURCE_NOT_FOUND, false, request, keepAlive);
    }
    if (route.v1()) {
      try {
        route = route.withDeployment(RequestBody.model(request.content()));
      } catch (RequestBody.Invalid invalid) {
        return gateway(HttpResponseStatus.BAD_REQUEST, invalid.body, false, request, keepAlive);
      }
    }
    DeploymentRuntime deployment = resource.deployments().get(route.deployment());
    if (deployment == null) {
      return gateway(
          HttpResponseStatus.NOT_FOUND, FixedBodies.DEPLOYMENT_NOT_FOUND, true, request, keepAlive);
    }
    deployment.onRequest();
    RequestBody body;
    try {
      body = RequestBody.check(request.content(), route.operation());
    } catch (RequestBody.Invalid invalid) {
      deployment.onRejected();
      return Plan.Whole.now(
          new Reply(
              HttpResponseStatus.BAD_REQUEST,
              headers.deployment(deployment.nextRandom(), request.headers()),
              invalid.body),
          keepAlive);
    }
    return planner.plan(deployment, route, body, request.headers(), keepAlive);
  }

  /** A gateway answer, sent at once; {@code withRegion} for 404 DeploymentNotFound. */
  private Plan gateway(
      HttpResponseStatus status,
      byte[] body,
      boolean withRegion,
      FullHttpRequest request,
      boolean keepAlive) {
    HttpHeaders replyHeaders =
        headers.gateway(resource.nextGatewayRandom(), request.headers(), withRegion);
    return Plan.Whole.now(new Reply(status, replyHeaders, body), keepAlive);
  }
}
