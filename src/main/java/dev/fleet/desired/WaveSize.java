package dev.fleet.desired;

/**
 * The size of one wave of a rollout: a number of droplets, or a share of the droplets the apply
 * moves, rounded up. A wave is never empty, and never larger than what is left to move.
 *
 * @param amount  droplets, or percent when {@code percent}
 * @param percent whether {@code amount} is a percentage (1 to 100)
 */
public record WaveSize(int amount, boolean percent) {

    public WaveSize {
        if (amount < 1 || percent && amount > 100) {
            throw new IllegalArgumentException("a wave of " + amount + (percent ? "%" : " droplets"));
        }
    }

    public static WaveSize droplets(int count) {
        return new WaveSize(count, false);
    }

    public static WaveSize share(int percent) {
        return new WaveSize(percent, true);
    }

    /** How many droplets this wave takes when the apply moves {@code total}: at least one. */
    public int of(int total) {
        int wanted = percent ? (int) Math.ceil(total * amount / 100.0) : amount;
        return Math.max(1, wanted);
    }

    @Override
    public String toString() {
        return amount + (percent ? "%" : "");
    }
}
