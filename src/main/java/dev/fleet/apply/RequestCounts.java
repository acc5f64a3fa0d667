package dev.fleet.apply;

/**
 * Requests a balancer sent one droplet, and how many failed, as counted from some moment on.
 *
 * @param requests requests sent there (answered or not)
 * @param failed   those that failed: 5xx answers, connection and response errors
 */
public record RequestCounts(long requests, long failed) {

    public static final RequestCounts NONE = new RequestCounts(0, 0);

    /** What was counted since {@code earlier}; a counter that went back (cleared, restarted) starts from 0. */
    public RequestCounts since(RequestCounts earlier) {
        return requests < earlier.requests || failed < earlier.failed ? this
                : new RequestCounts(requests - earlier.requests, failed - earlier.failed);
    }

    public RequestCounts plus(RequestCounts other) {
        return new RequestCounts(requests + other.requests, failed + other.failed);
    }

    /** The share of the requests that failed, 0 when there were none. */
    public double failedShare() {
        return requests == 0 ? 0 : (double) failed / requests;
    }
}
