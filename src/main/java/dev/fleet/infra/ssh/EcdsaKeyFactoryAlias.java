package dev.fleet.infra.ssh;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.Map;

/**
 * The JDK's EC key factory under the name BouncyCastle gives it, {@code ECDSA}, which sshj asks for
 * when it reads an ECDSA key. With this alias fleet needs no BouncyCastle provider registered (its
 * registration costs most of a second of every run); everything else sshj asks for has a JDK name.
 */
final class EcdsaKeyFactoryAlias extends Provider {

    private static final String NAME = "FleetEcdsaKeyFactoryAlias";

    private EcdsaKeyFactoryAlias() {
        super(NAME, "1", "KeyFactory.ECDSA as the JDK's EC key factory");
        putService(new Service(this, "KeyFactory", "ECDSA", Delegating.class.getName(), null, Map.of()) {
            @Override
            public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
                return new Delegating();
            }
        });
    }

    /** Adds the alias once, after every other provider. */
    static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.addProvider(new EcdsaKeyFactoryAlias());
        }
    }

    private static final class Delegating extends KeyFactorySpi {

        private final KeyFactory ec;

        Delegating() throws NoSuchAlgorithmException {
            this.ec = KeyFactory.getInstance("EC");
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return ec.getKeySpec(key, type);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return ec.translateKey(key);
        }
    }
}
