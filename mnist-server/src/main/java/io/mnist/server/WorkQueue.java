package io.mnist.server;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the work in the server: requests are recognised on {@code workers} threads of the queue's own, at most
 * {@code queue} more wait for a turn (first come, first served), and any request beyond that is refused at once with
 * {@link ErrorCode#SERVER_BUSY}, before its body is read if the queue is full when it arrives. So a burst costs
 * memory for at most {@code workers + queue} bodies waiting, and a caller learns quickly that it should come back
 * later. A request takes its place only once its body has arrived: a client that sends slowly or stalls holds no
 * place (the HTTP server's idle timeout, minimum data rate and body timeout bound how long it may take), so bodies
 * still arriving are bounded by {@link ServerConfig#maxUploads()} instead (each by the byte limit).
 *
 * <p>The engines are called from these few threads only, never from the HTTP server's many request threads: an
 * engine keeps state per calling thread (libtorch an OpenMP thread team, DJL and ND4J predictors and workspaces), so
 * this bounds that state to {@code workers} threads, and the engine sees the same callers as in a program that
 * predicts on a thread pool of its own.
 */
final class WorkQueue implements AutoCloseable {
    /** What a busy server asks callers to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final int capacity;
    private final Semaphore admitted;
    private final ExecutorService workers;

    WorkQueue(int workers, int queue) {
        this.capacity = workers + queue;
        this.admitted = new Semaphore(capacity);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "mnist-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Unbounded in itself; the admission semaphore bounds it.
        this.workers = Executors.newFixedThreadPool(workers, named);
    }

    /**
     * A place in the queue, to be closed when the request is answered.
     *
     * @throws ApiException {@link ErrorCode#SERVER_BUSY} if every place is taken
     */
    Ticket admit() {
        if (!admitted.tryAcquire()) {
            throw busy();
        }
        return new Ticket();
    }

    /**
     * Refuses a request at once, before its body is read, when every place is taken now; a place is taken only with
     * {@link #admit()}, once the body has arrived.
     *
     * @throws ApiException {@link ErrorCode#SERVER_BUSY} if every place is taken
     */
    void ensureRoom() {
        if (admitted.availablePermits() == 0) {
            throw busy();
        }
    }

    private ApiException busy() {
        return new ApiException(ErrorCode.SERVER_BUSY, "The server is busy: all " + capacity + " places for"
                + " requests are taken. Try again in " + RETRY_AFTER_SECONDS + " s, or send fewer requests at once",
                RETRY_AFTER_SECONDS);
    }

    /** Requests admitted and not yet answered: recognising or waiting. */
    int inFlight() {
        return capacity - admitted.availablePermits();
    }

    /** Stops the worker threads once the work queued has been done, waiting up to {@code seconds}. */
    void drain(long seconds) throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** An admitted request's place in the queue. */
    final class Ticket implements AutoCloseable {
        private final AtomicBoolean closed = new AtomicBoolean();

        private Ticket() {
        }

        /**
         * Runs {@code work} on a worker when its turn comes and waits for it; what it throws is thrown here, as is.
         */
        <T> T run(Callable<T> work) throws Exception {
            Future<T> result = workers.submit(work);
            try {
                return result.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception x) {
                    throw x;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw e;
            } catch (InterruptedException e) {
                result.cancel(true);
                Thread.currentThread().interrupt();
                throw e;
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                admitted.release();
            }
        }
    }
}
