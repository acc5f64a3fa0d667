package dev.fleet.observed;

import java.util.Map;

/** What the load balancer says of the droplets, when fleet can ask it (HAProxy). */
public sealed interface BalancerObservation {

    /** A balancer fleet cannot ask (a plain health-checking one). */
    record NotObservable() implements BalancerObservation {}

    /** @param servers each server's status by server name: UP, DOWN, MAINT, DRAIN, "UP 1/3", ... */
    record Servers(Map<String, ServerState> servers) implements BalancerObservation {
        public Servers {
            servers = Map.copyOf(servers);
        }
    }

    /** The balancer could not be asked. */
    record Unavailable(String reason) implements BalancerObservation {}

    /**
     * @param status         HAProxy's status of the server
     * @param currentSessions its current sessions
     */
    record ServerState(String status, int currentSessions) {}
}
