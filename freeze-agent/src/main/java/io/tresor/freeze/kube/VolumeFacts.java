package io.tresor.freeze.kube;

/** What the agent needs to know about the PV named in a Freeze call ({@code csiDriver} empty if not CSI). */
public record VolumeFacts(String name, String csiDriver, String claimNamespace, String claimName,
                          String volumeMode) {}
