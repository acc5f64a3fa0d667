package dev.fleet.dns;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One published address of a DNS name.
 *
 * <p>Canonical forms, so that records compare equal whatever spelled them: the name is fully
 * qualified, lowercase, <em>with</em> its trailing dot ({@code www.example.com.}, as zone files and
 * PowerDNS write it; a provider that writes names without it converts at its edge); the address is
 * canonical text (IPv4 dotted decimal, IPv6 as RFC 5952 writes it). The constructor accepts other
 * spellings and normalises them.
 *
 * @param name    the fully qualified name the record belongs to
 * @param type    {@code A} for an IPv4 address, {@code AAAA} for an IPv6 one
 * @param address the IP address it publishes
 * @param ttl     how long resolvers may cache it, in seconds (at least 1)
 */
public record DnsRecord(String name, Type type, String address, int ttl) {

    /** The two record types fleet manages; each goes with one address family. */
    public enum Type { A, AAAA }

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    public DnsRecord {
        name = canonicalName(name);
        Objects.requireNonNull(type, "type");
        Type family = typeOf(address);
        if (family != type) {
            throw new IllegalArgumentException("an " + type + " record cannot hold " + address + ", an "
                    + (family == Type.A ? "IPv4" : "IPv6") + " address (that is an " + family + " record)");
        }
        address = canonicalAddress(address);
        if (ttl < 1) {
            throw new IllegalArgumentException("a record's TTL is at least 1 second, not " + ttl);
        }
    }

    /** The record of {@code address} under {@code name}: an A record for IPv4, AAAA for IPv6. */
    public static DnsRecord of(String name, String address, int ttl) {
        return new DnsRecord(name, typeOf(address), address, ttl);
    }

    /** Whether this record publishes the same address under the same name (TTLs aside). */
    public boolean sameAddress(DnsRecord other) {
        return name.equals(other.name) && address.equals(other.address);
    }

    /**
     * {@code name} lowercase with one trailing dot, after checking it is a DNS name (labels of
     * letters, digits, hyphens and underscores, at most 63 characters each, 253 in all).
     */
    public static String canonicalName(String name) {
        Objects.requireNonNull(name, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        String bare = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        if (bare.isEmpty() || bare.length() > 253) {
            throw new IllegalArgumentException("not a DNS name: '" + name + "'");
        }
        for (String label : bare.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a DNS name: '" + name + "' (label '" + label + "')");
            }
        }
        return bare + ".";
    }

    /** {@code address} in canonical text, after checking it is an IPv4 or IPv6 literal. */
    public static String canonicalAddress(String address) {
        return IpLiteral.parse(address).map(IpLiteral.Parsed::text)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: '" + address + "'"));
    }

    /** The record type that publishes {@code address}. */
    public static Type typeOf(String address) {
        IpLiteral.Parsed parsed = IpLiteral.parse(address)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: '" + address + "'"));
        return parsed.family() == IpLiteral.Family.IPV4 ? Type.A : Type.AAAA;
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + type + " " + address;
    }
}
