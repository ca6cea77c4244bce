package io.mnist.server;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the work in the server: at most {@code workers} requests are recognised at once, at most {@code queue} more
 * wait for a turn (first come, first served), and any request beyond that is refused at once with
 * {@link ErrorCode#SERVER_BUSY}, before its body is read. So a burst costs memory for at most
 * {@code workers + queue} bodies, and a caller learns quickly that it should come back later.
 */
final class WorkQueue {
    /** What a busy server asks callers to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final int capacity;
    private final Semaphore admitted;
    private final Semaphore working;

    WorkQueue(int workers, int queue) {
        this.capacity = workers + queue;
        this.admitted = new Semaphore(capacity);
        this.working = new Semaphore(workers, true);
    }

    /**
     * A place in the queue, to be closed when the request is answered.
     *
     * @throws ApiException {@link ErrorCode#SERVER_BUSY} if every place is taken
     */
    Ticket admit() {
        if (!admitted.tryAcquire()) {
            throw new ApiException(ErrorCode.SERVER_BUSY, "The server is busy: all " + capacity + " places for"
                    + " requests are taken. Try again in " + RETRY_AFTER_SECONDS + " s, or send fewer requests at"
                    + " once", RETRY_AFTER_SECONDS);
        }
        return new Ticket();
    }

    /** Requests admitted and not yet answered: recognising or waiting. */
    int inFlight() {
        return capacity - admitted.availablePermits();
    }

    /** An admitted request's place in the queue. */
    final class Ticket implements AutoCloseable {
        private final AtomicBoolean closed = new AtomicBoolean();

        private Ticket() {
        }

        /** Waits for a worker's turn, then runs {@code work} on the calling thread. */
        <T> T run(Callable<T> work) throws Exception {
            working.acquire();
            try {
                return work.call();
            } finally {
                working.release();
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
