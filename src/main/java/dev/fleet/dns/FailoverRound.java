package dev.fleet.dns;

import java.util.List;

/**
 * The outcome of one round of {@link DnsFailover}.
 *
 * @param state     to hand to the next round
 * @param decisions in the order to act on them (see {@link DnsDecision})
 * @param unmanaged records published under the name whose address belongs to no droplet: left
 *                  alone, listed every round so a caller can show them
 */
public record FailoverRound(FailoverState state, List<DnsDecision> decisions, List<DnsRecord> unmanaged) {

    public FailoverRound {
        decisions = List.copyOf(decisions);
        unmanaged = List.copyOf(unmanaged);
    }

    /** The decisions that change DNS, in order. */
    public List<DnsDecision> changes() {
        return decisions.stream().filter(DnsDecision::isChange).toList();
    }
}
