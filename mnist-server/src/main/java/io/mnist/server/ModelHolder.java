package io.mnist.server;

import io.mnist.api.DigitClassifier;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The classifier the server answers with, loaded on a thread of its own so that the server listens (and says it is
 * alive, but not ready) while the engine starts.
 */
final class ModelHolder implements AutoCloseable {
    /** Loading the bundled model takes about a second; a caller waiting this long will likely find it ready. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final CompletableFuture<DigitClassifier> loaded = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * Starts loading with {@code loader} on a new thread; the model is then told that each call may compute on
     * {@code threadsPerCall} engine threads ({@link DigitClassifier#setThreadsPerCall}).
     */
    static ModelHolder load(Callable<DigitClassifier> loader, int threadsPerCall) {
        ModelHolder holder = new ModelHolder();
        Thread thread = new Thread(() -> {
            try {
                DigitClassifier model = loader.call();
                if (model == null) {
                    throw new IllegalStateException("The model loader returned no model");
                }
                try {
                    model.setThreadsPerCall(threadsPerCall);
                } catch (RuntimeException e) {
                    model.close();
                    throw e;
                }
                holder.loaded.complete(model);
                if (holder.closed) {
                    model.close();
                }
            } catch (Throwable e) {
                holder.loaded.completeExceptionally(e);
            }
        }, "mnist-model-loader");
        thread.setDaemon(true);
        thread.start();
        return holder;
    }

    /** Whether the model is loaded and the server can answer. */
    boolean ready() {
        return loaded.isDone() && !loaded.isCompletedExceptionally() && !closed;
    }

    /** Why loading failed, or {@code null} if it has not (yet). */
    Throwable failure() {
        if (!loaded.isCompletedExceptionally()) {
            return null;
        }
        try {
            loaded.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /**
     * The loaded model.
     *
     * @throws ApiException {@link ErrorCode#MODEL_NOT_LOADED} while it loads (with a time to retry), or if it failed
     */
    DigitClassifier require() {
        DigitClassifier model = loadedModel();
        if (model != null && !closed) {
            return model;
        }
        Throwable failure = failure();
        if (failure != null) {
            throw new ApiException(ErrorCode.MODEL_NOT_LOADED, "The model failed to load (" + failure.getMessage()
                    + "); restart the server with a model that loads (see its log)");
        }
        if (closed) {
            throw new ApiException(ErrorCode.MODEL_NOT_LOADED, "The server is shutting down; send the request to"
                    + " another instance, or again once it has restarted", RETRY_AFTER_SECONDS);
        }
        throw new ApiException(ErrorCode.MODEL_NOT_LOADED, "The model is still loading; try again in "
                + RETRY_AFTER_SECONDS + " s (GET /health/ready says when it is ready)", RETRY_AFTER_SECONDS);
    }

    private DigitClassifier loadedModel() {
        return loaded.isDone() && !loaded.isCompletedExceptionally() ? loaded.join() : null;
    }

    /** Waits until the model is loaded. @throws ExecutionException with the loader's failure as its cause */
    DigitClassifier await() throws InterruptedException, ExecutionException {
        return loaded.get();
    }

    /** Frees the model (now, or as soon as it has loaded). Idempotent. */
    @Override
    public void close() {
        closed = true;
        DigitClassifier model = loadedModel();
        if (model != null) {
            model.close();
        }
    }
}
