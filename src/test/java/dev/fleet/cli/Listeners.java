package dev.fleet.cli;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Listening sockets a test opens where fleet must not connect, and what reached them. */
final class Listeners {

    private Listeners() {}

    /** The addresses of the listeners with a connection waiting in their accept queue (closed as found). */
    static List<String> connected(List<ServerSocketChannel> listeners) throws IOException {
        List<String> connected = new ArrayList<>();
        for (ServerSocketChannel listener : listeners) {
            listener.configureBlocking(false);
            try (SocketChannel accepted = listener.accept()) {
                if (accepted != null) {
                    connected.add(listener.getLocalAddress().toString());
                }
            }
        }
        return connected;
    }
}
