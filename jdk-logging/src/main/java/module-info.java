/**
 * Linked into the plugin's runtime image (never on its class path). A LoggerFinder provided by a module of the boot
 * layer is found without scanning the class path, so the JDK's logging start-up no longer opens the application jar.
 */
module io.tresor.jdklogging {
    requires java.logging;
    // a module of the image is a root module of a class-path application only if it exports a package
    exports io.tresor.jdklogging;
    provides java.lang.System.LoggerFinder with io.tresor.jdklogging.JulLoggerFinder;
}
