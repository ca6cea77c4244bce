package io.mnist.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose next request's headers are not complete within a deadline, counted from the connection's
 * opening or from its previous answer. Jetty bounds only the silence between two bytes (the idle timeout), so a
 * client sending its headers a byte at a time (slowloris) could keep a connection for hours; this bounds that.
 *
 * <p>Built of Jetty's own hooks: as a {@link Connection.Listener} bean of the connector it learns of each connection,
 * and as an {@link EventsHandler} of the server of each request whose headers are complete (its handling begins) and
 * of each answer sent. A request whose handling has begun is never cut by it (its body has the idle timeout and the
 * minimum data rate).
 */
final class HeaderDeadline extends EventsHandler implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final Duration timeout;
    private final Supplier<Scheduler> scheduler;
    private final Map<Connection, Deadline> armed = new ConcurrentHashMap<>();

    /**
     * @param timeout   how long a request's headers may take, from the connection's opening or its previous answer
     * @param scheduler the connector's scheduler (started with it)
     */
    HeaderDeadline(Duration timeout, Supplier<Scheduler> scheduler) {
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    @Override
    protected void onBeforeHandling(Request request) {
        disarm(request.getConnectionMetaData().getConnection());
    }

    @Override
    protected void onComplete(Request request, Throwable failure) {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection.getEndPoint().isOpen()) {
            arm(connection);   // kept alive: the next request's headers have the same deadline
        }
    }

    private void arm(Connection connection) {
        Deadline deadline = new Deadline(connection);
        Deadline previous = armed.put(connection, deadline);
        if (previous != null) {
            previous.cancel();
        }
        deadline.task = scheduler.get().schedule(deadline, timeout);
    }

    private void disarm(Connection connection) {
        Deadline deadline = armed.remove(connection);
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** One connection's deadline; it closes the connection if it is still the one armed when it falls due. */
    private final class Deadline implements Runnable {
        private final Connection connection;
        private volatile Scheduler.Task task;

        Deadline(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            if (armed.remove(connection, this)) {
                LOG.debug("[mnist] closing {}: no complete request headers within {}", connection, timeout);
                connection.close();
            }
        }

        void cancel() {
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
