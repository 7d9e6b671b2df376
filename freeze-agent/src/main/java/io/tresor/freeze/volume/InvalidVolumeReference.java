package io.tresor.freeze.volume;

/** A caller-supplied identifier that cannot safely become part of a host path. */
public final class InvalidVolumeReference extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidVolumeReference(String message) {
    super(message);
  }
}
