package io.tresor.freeze.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tresor.freeze.metrics.FreezeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Refuses every call whose bearer token is not an allowed service account's (logged, token never). */
public final class BearerAuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** The authenticated caller, for the service's log lines. */
  public static final Context.Key<String> CALLER = Context.key("tresor-caller");

  private final CallerAuthenticator authenticator;
  private final FreezeMetrics metrics;

  public BearerAuthInterceptor(CallerAuthenticator authenticator, FreezeMetrics metrics) {
    this.authenticator = authenticator;
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
    long t0 = System.nanoTime();
    CallerAuthenticator.Verdict v = authenticator.check(headers.get(AUTHORIZATION));
    LOG.debug("authentication took {} ms", (System.nanoTime() - t0) / 1e6);
    if (!v.allowed()) {
      Status status = v.authenticated() ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED;
      LOG.warn("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), v.reason());
      metrics.refused(v.authenticated() ? "not-allowed" : "unauthenticated");
      call.close(status.withDescription(v.reason()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, v.caller()), call, headers, next);
  }
}
