package io.grpc.override;

/** Gives this module the package (a module's packages are those of its classes); never used. */
final class PackageOwner {
    private PackageOwner() {
    }
}
