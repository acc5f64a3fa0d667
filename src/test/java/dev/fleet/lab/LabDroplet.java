package dev.fleet.lab;

import java.net.URI;

/**
 * One simulated droplet of a running lab.
 *
 * @param name      the droplet's name in the fleet (droplet-1, droplet-2, ...)
 * @param sshPort   its sshd, published on 127.0.0.1
 * @param address   its address on the lab's private network, where the balancer reaches it
 * @param container the docker-in-docker container that simulates it
 */
public record LabDroplet(String name, int sshPort, String address, String container) {

    /** The app on this droplet, addressed directly rather than through the balancer. */
    public URI appUri(String path, int appPort) {
        return URI.create("http://" + address + ":" + appPort + path);
    }
}
