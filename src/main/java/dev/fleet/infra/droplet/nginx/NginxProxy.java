package dev.fleet.infra.droplet.nginx;

import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ProxySpec;
import dev.fleet.infra.droplet.containers.ForwardedHttp;
import dev.fleet.infra.droplet.containers.HttpAnswer;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The nginx on one droplet, as a blue-green rollout uses it: asks where it sends traffic, points it
 * at a colour, and tells whether workers from before the last reload are still finishing requests.
 */
public final class NginxProxy {

    /** Exit statuses of the switch script, each a different thing for the operator to fix. */
    private static final int CANNOT_WRITE = 3;
    private static final int INVALID = 4;
    private static final int NOT_RELOADED = 5;
    private static final int BUSY = 6;
    private static final int INCOMPLETE = 7;

    private final SshConnection ssh;
    private final ProxySpec proxy;

    public NginxProxy(SshConnection ssh, ProxySpec proxy) {
        this.ssh = ssh;
        this.proxy = proxy;
    }

    /**
     * Where nginx sends the service's requests: the health path asked through fleet's check server,
     * whose answer names the upstream address; {@code colours} are the service's colour containers.
     * Never throws: a proxy that cannot be asked is a route to nowhere, with the reason.
     */
    public ProxyRoute route(HealthSpec health, List<ObservedContainer> colours) {
        HttpAnswer answer;
        try {
            answer = new ForwardedHttp(ssh).get(health.path(), proxy.checkPort(), health.timeout());
        } catch (IOException e) {
            return new ProxyRoute(Optional.empty(), false, "fleet's check server on 127.0.0.1:" + proxy.checkPort()
                    + " did not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "): nginx has no configuration of fleet's yet (" + proxy.configFile() + "), or is not running");
        }
        String upstream = answer.headers().get(NginxConfig.UPSTREAM_HEADER);
        if (upstream == null || upstream.isBlank() || upstream.equals("-")) {
            return new ProxyRoute(Optional.empty(), false, "nginx answered " + answer.status()
                    + " on fleet's check port without naming an upstream: is 127.0.0.1:" + proxy.checkPort()
                    + " fleet's check server?");
        }
        // After a failed attempt nginx lists every address it tried: the last one answered.
        String address = upstream.substring(upstream.lastIndexOf(',') + 1).trim();
        if (address.contains(" : ")) {
            address = address.substring(address.lastIndexOf(" : ") + 3).trim();
        }
        Optional<String> container = portOf(address).flatMap(port -> colours.stream()
                .filter(c -> Integer.valueOf(port).equals(c.tcpPorts().get(proxy.appPort())))
                .map(ObservedContainer::name).findFirst());
        boolean answered = answer.status() != 502 && answer.status() != 504;
        return new ProxyRoute(container, answered, "nginx sends to " + address + container.map(c -> " (" + c + ")")
                .orElse(", which is no container of the service's") + (answered ? "" : ", which did not answer"));
    }

    private static Optional<Integer> portOf(String address) {
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? Optional.empty() : Optional.of(Integer.parseInt(address.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Points nginx at {@code container} on {@code port}: writes fleet's file, validates the whole
     * configuration, reloads. If validating or reloading fails, the previous file is put back, so
     * the next reload (anyone's) loads what nginx runs now.
     *
     * <p>The new file arrives whole in fleet's own folder on the droplet before anything changes, so
     * a connection lost halfway leaves nginx's file as it was. It then replaces the file by a rename
     * when the SSH user may write the file's folder (nginx never reads half a file), else by a local
     * copy. The whole switch holds a lock on the droplet: a switch retried after its first attempt
     * timed out waits for that attempt, still running there, instead of interleaving with it.
     */
    public void switchTo(String service, String container, int port) throws DropletException {
        String file = proxy.configFile();
        String config = NginxConfig.render(proxy, service, container, port);
        int length = config.getBytes(StandardCharsets.UTF_8).length;
        // The droplet ends the proxy's commands itself, a little before fleet gives up on the
        // script, so a hung reload puts the previous file back and frees the lock on its own.
        long seconds = Math.max(1, ssh.commandTimeout().toSeconds() - 2);
        String script = String.join("\n",
                "f='" + file + "'; d=$(dirname \"$f\"); s=\"$HOME/.fleet/" + service + "\"",
                "t=" + quote(proxy.testCommand()) + "; r=" + quote(proxy.reloadCommand()),
                "mkdir -p \"$s\" || exit " + CANNOT_WRITE,
                "next=\"$s/nginx.next.$$\"; prev=\"$s/nginx.prev.$$\"; trap 'rm -f \"$next\" \"$prev\"' EXIT",
                "cat > \"$next\" || exit " + CANNOT_WRITE,
                // End of input is also what a lost connection looks like: count the bytes.
                "[ \"$(wc -c < \"$next\")\" -eq " + length + " ] || exit " + INCOMPLETE,
                "exec 9>>\"$s/nginx.lock\" && flock -w " + seconds + " 9 || exit " + BUSY,
                "cat \"$f\" > \"$prev\" 2>/dev/null || : > \"$prev\"",
                // A rename needs the folder; a copy only the file, as the README's setup gives it.
                "put() { if [ -w \"$d\" ]; then cp \"$1\" \"$f.fleet-next\" && mv -f \"$f.fleet-next\" \"$f\";"
                        + " else cat \"$1\" > \"$f\"; fi; }",
                // Bounded, and without the lock's descriptor: a process they leave behind (a daemon
                // started by a reload) must not hold the lock.
                "run() { out=$(timeout -k 1 " + seconds + " sh -c \"$1\" 9>&- 2>&1); st=$?;"
                        + " [ $st -eq 124 ] && out=\"did not finish within " + seconds + "s\"; return $st; }",
                "put \"$next\" || exit " + CANNOT_WRITE,
                "if ! run \"$t\"; then put \"$prev\"; printf '%s\\n' \"$out\" >&2; exit " + INVALID + "; fi",
                "if ! run \"$r\"; then put \"$prev\"; printf '%s\\n' \"$out\" >&2; exit " + NOT_RELOADED + "; fi",
                "");
        SshConnection.CommandResult result = ssh.run("sh -c " + quote(script), config);
        String output = result.stderr().strip();
        switch (result.exitStatus()) {
            case 0 -> { }
            case CANNOT_WRITE -> throw refused(file + " cannot be written by the SSH user (" + output + "); make it"
                    + " theirs: chown <user> " + file);
            case INVALID -> throw refused("nginx refused the configuration (" + proxy.testCommand() + "): " + output
                    + "; the previous " + file + " was put back and nginx was not reloaded");
            case NOT_RELOADED -> throw refused("nginx could not be reloaded (" + proxy.reloadCommand() + "): " + output
                    + "; the previous " + file + " was put back");
            case INCOMPLETE -> throw refused("the new " + file + " did not arrive whole on the droplet; nothing was"
                    + " changed");
            case BUSY -> throw refused("another switch of nginx on this droplet held its lock for "
                    + seconds + "s (an earlier attempt still running?): " + output);
            default -> throw refused("switching nginx ended with status " + result.exitStatus() + ": " + output);
        }
    }

    /** Whether nginx still has workers from before its last reload, finishing the requests they had. */
    public boolean draining() throws DropletException {
        SshConnection.CommandResult result = ssh.run("pgrep -f 'nginx: worker process is shutting down'", "");
        return switch (result.exitStatus()) {
            case 0 -> true;
            case 1 -> false;
            default -> throw refused("pgrep could not list nginx's workers: " + result.stderr().strip());
        };
    }

    private static DropletException refused(String message) {
        return new DropletException(UnreachableReason.OTHER, message);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
