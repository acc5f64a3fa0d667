package dev.fleet.desired;

/**
 * How to ask the app on a droplet to leave the balancer: the seed's shutdown endpoint, which makes
 * its health check fail while it keeps serving requests.
 *
 * @param path   for example {@code /shutdown}
 * @param method the HTTP method, {@code GET} or {@code POST}
 * @param port   the droplet port it answers on (ideally bound to the droplet's loopback only)
 */
public record DrainSpec(String path, String method, int port) {}
