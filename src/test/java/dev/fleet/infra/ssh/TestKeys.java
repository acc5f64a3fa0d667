package dev.fleet.infra.ssh;

import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;

/** Public host keys made with ssh-keygen, with the fingerprints {@code ssh-keygen -l -E sha256} printed for them. */
final class TestKeys {

    static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOHId/0T4RVK0ATkWrHIO+hvPxSzfqm8+Xd+09NA3Rwc";
    static final String ED25519_FINGERPRINT = "SHA256:OTWggpRnT9kgMgS1SA7pxBRBJraFopLHICmNDJcQ2Gg";

    static final String OTHER_ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIASNSIs6LjUfIvEprAPwXZ+GI9xy8jhi79zHS11T8+Ip";
    static final String OTHER_ED25519_FINGERPRINT = "SHA256:yx09tWGu/FCbUIAyPiA0wIQRWUJD3yX6txnrzbB4rvY";

    static final String ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD/aKY5P6UNpxEhag9I5hsjaySYOjRLYbFen"
            + "UZ96gWH2qLBo6Opfs0DOXomjhBEakyCOvEZRMBFfLZ4vFhrbaL4=";
    static final String ECDSA_FINGERPRINT = "SHA256:3iwHTI6sX1OU4gBKdk+HA89RCYMoX5ID1PGjdsgkTvc";

    static final String RSA = "AAAAB3NzaC1yc2EAAAADAQABAAABAQDOlvr1ln9kBQQtlBWBUYPHD0n2MhftUMN3NYrwySClFPYEw4KeMi3hxWA/S"
            + "gl9xwBIel28v+yIAoPhLcWHugJPY3eG+hpDv4lt262vFbSXJVVCRq8SaTU8M+LArnPX9+XRbnifVh/nU6e6aLn3qo8o68QF95dcVI1VGrajJ3"
            + "/R8yWZf7uOeK15dNpie+Gs+6EGH3zISvewz2Z1C+9QlFYaATLHDyw7RVk5ygfI8ppU6T/iLM8P3LBzdIup5jafyubEVFddEMolsYo6elfccOyR"
            + "qc3ZYeI9n+OJqvqBxp/QD1OxN2x9woEUddrVeQNbstttmPbrbIeSPSRhpzULkvtV";
    static final String RSA_FINGERPRINT = "SHA256:heDLveTcuOeCN40W9AXbyM6ox/rKmV6J1+nQJXV+JOk";

    private TestKeys() {}

    static PublicKey key(String base64) {
        try {
            return new Buffer.PlainBuffer(Base64.getDecoder().decode(base64)).readPublicKey();
        } catch (Buffer.BufferException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
