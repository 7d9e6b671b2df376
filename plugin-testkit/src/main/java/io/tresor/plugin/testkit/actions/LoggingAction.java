package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Logs at every level with hostile fields (non-string namespace/name/resource, {@code @message} as a field,
 * a huge message, a throwing toString) — the lines must still be valid for Velero.
 */
final class LoggingAction implements BackupItemAction {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingAction.class);
    /** Logger name of the lines written through {@code System.getLogger}. */
    static final String PLATFORM_LOGGER = "tresor.test.platform";

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.all();
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        String name = request.item().path("metadata").path("name").asText();
        LOG.trace("trace line for {}", name);
        LOG.debug("debug line for {}", name);
        LOG.atInfo().addKeyValue("namespace", 42).addKeyValue("name", List.of("a", "b"))
                .addKeyValue("resource", (Object) null).addKeyValue("@message", 7).addKeyValue("@level", true)
                .addKeyValue("level", "bogus").addKeyValue("bytes", 123456789L)
                .log("info line for {}", name);
        LOG.warn("warn line for {} with quote \" and newline \n and tab \t", name);
        LOG.atInfo().addKeyValue("evil", new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("toString exploded");
            }
        }).log("line with a failing toString");
        LOG.info("x".repeat(200_000));
        LOG.error("error line for " + name, new IllegalArgumentException("cause of the error"));
        // the JDK's own platform logging (HTTP client, TLS) goes through the runtime's io.tresor.jdklogging finder
        System.getLogger(PLATFORM_LOGGER).log(System.Logger.Level.WARNING, "platform logger line for {0} via {1}", name,
                System.LoggerFinder.getLoggerFinder().getClass().getName());
        System.getLogger(PLATFORM_LOGGER).log(System.Logger.Level.TRACE, "platform trace line for {0}", name);
        return BackupItemResult.unchanged();
    }
}
