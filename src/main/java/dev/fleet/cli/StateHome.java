package dev.fleet.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** What the long-running commands take from their options: where fleet keeps its files, where it listens. */
final class StateHome {

    private StateHome() {}

    /** Where fleet keeps what it owns on this machine: {@code workdir}, else systemd's state directory, else ~/.local/state/fleet. */
    static Path of(Path workdir) {
        if (workdir != null) {
            return workdir.toAbsolutePath();
        }
        String systemd = System.getenv("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]);
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "fleet");
    }

    /** {@code HOST:PORT} ({@code [::1]:8089} too). */
    static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen takes HOST:PORT, such as 127.0.0.1:8089, not '" + listen + "'");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen needs a port from 0 to 65535, not '" + listen + "'");
        }
    }
}
