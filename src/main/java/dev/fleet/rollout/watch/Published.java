package dev.fleet.rollout.watch;

import java.net.InetSocketAddress;

/** The watch's status, served to people and monitoring until closed. */
public interface Published extends AutoCloseable {

    /** Where it is served (the port chosen, when 0 was asked for). */
    InetSocketAddress address();

    @Override
    void close();
}
