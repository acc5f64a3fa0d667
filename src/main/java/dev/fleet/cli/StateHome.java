package dev.fleet.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the long-running commands take from their options: where fleet keeps its files, where it
 * listens, and which names its page answers to.
 */
final class StateHome {

    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

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

    /** {@code --allowed-host} names: host names or addresses ({@code [::1]} too), without scheme or port. */
    static List<String> allowedHosts(List<String> names) {
        for (String name : names) {
            String bare = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
            if (!HOST_NAME.matcher(bare).matches() && !IPV6.matcher(bare).matches()) {
                throw new IllegalArgumentException("--allowed-host takes a host name or address, such as"
                        + " status.example.com, without scheme or port, not '" + name + "'");
            }
        }
        return List.copyOf(names);
    }
}
