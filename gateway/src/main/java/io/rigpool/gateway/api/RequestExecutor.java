package io.rigpool.gateway.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Brings an answer back to the Vert.x context of the request it answers. Answers are completed on the gateway's own
 * threads (the job writer, the Kafka follower), which must stay free for the next batch or record; serialising and
 * writing the response belongs on the request's event loop.
 */
public final class RequestExecutor {

    private RequestExecutor() {
    }

    /** An executor that runs on the current request's context; call it on the request's thread. */
    public static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
