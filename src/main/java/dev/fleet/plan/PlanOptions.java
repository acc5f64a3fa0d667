package dev.fleet.plan;

/**
 * What an operator asks of a plan beyond what the state says.
 *
 * @param withAccessories whether accessories whose image or settings changed are replaced even in an
 *                        apply in which apps change too ({@code --with-accessories})
 * @param prune           whether this fleet's containers of services the state no longer runs on a
 *                        droplet are removed ({@code --prune}); never without it
 */
public record PlanOptions(boolean withAccessories, boolean prune) {

    /** Nothing asked: accessories wait while apps change, leftovers are only reported. */
    public static final PlanOptions DEFAULT = new PlanOptions(false, false);
}
