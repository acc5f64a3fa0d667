package dev.fleet.infra.web;

import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The status server's connections, at most so many at once. When a newcomer finds them all taken,
 * the connection that has waited longest for its request gives way: clients that send their
 * request at once (browsers, monitoring) are then served however many clients trickle or stall,
 * and slow ones cannot hold the server between them. Only when every connection is being answered
 * is the newcomer refused.
 */
final class ConnectionSlots {

    /** Whether a newcomer is taken, and the connection to close to make room for it. */
    record Admission(boolean admitted, Optional<Socket> evicted) {}

    private final int capacity;
    private final Set<Socket> open = new HashSet<>();
    /** Open connections whose request has not arrived whole yet, oldest first. */
    private final LinkedHashSet<Socket> waitingForRequest = new LinkedHashSet<>();

    ConnectionSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("at least one connection, not " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized Admission admit(Socket newcomer) {
        Optional<Socket> evicted = Optional.empty();
        if (open.size() >= capacity) {
            if (waitingForRequest.isEmpty()) {
                return new Admission(false, Optional.empty());
            }
            Socket oldest = waitingForRequest.removeFirst();
            open.remove(oldest);
            evicted = Optional.of(oldest);
        }
        open.add(newcomer);
        waitingForRequest.add(newcomer);
        return new Admission(true, evicted);
    }

    /** The connection's request has arrived (or failed): it is being answered, and gives way no more. */
    synchronized void answering(Socket connection) {
        waitingForRequest.remove(connection);
    }

    synchronized void closed(Socket connection) {
        open.remove(connection);
        waitingForRequest.remove(connection);
    }

    synchronized int open() {
        return open.size();
    }

    /** Forgets every connection, for the server's close, and gives them to be closed. */
    synchronized List<Socket> closeAll() {
        List<Socket> all = new ArrayList<>(open);
        open.clear();
        waitingForRequest.clear();
        return all;
    }
}
