package io.tresor.imagearchive.registry;

/** The registry answered 404: the manifest or blob is gone (for example pruned). */
public final class RegistryNotFoundException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryNotFoundException(String message) {
        super(message, 404);
    }
}
