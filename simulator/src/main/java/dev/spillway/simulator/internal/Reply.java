package dev.spillway.simulator.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A response's status, headers and (for non-streamed answers) body, turned into Netty messages only
 * when written so that an abandoned plan holds no buffer. Immutable once built.
 *
 * @param status the status
 * @param headers the headers, without {@code Content-Length}
 * @param body the body; empty for streams
 */
record Reply(HttpResponseStatus status, HttpHeaders headers, byte[] body) {

  FullHttpResponse full() {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(headers);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /**
   * @return the head of a response whose body follows in parts, with its full Content-Length
   */
  HttpResponse head() {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(headers);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /**
   * @return the head of a chunked (streamed) response
   */
  HttpResponse streamHead() {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(headers);
    response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    return response;
  }
}
