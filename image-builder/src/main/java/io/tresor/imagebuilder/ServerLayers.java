package io.tresor.imagebuilder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The layers the webhook and freeze-agent images are made of besides the base: the jlinked runtime, the jars both
 * servers use byte for byte, and each server's own jars. One place, so that the build ({@link ImageBuilderMain}) and
 * the reproducibility check ({@link ServerLayersRebuild}) cannot make them differently.
 *
 * @param shared file names of the jars in {@link #sharedJars}
 */
record ServerLayers(JibImages.Layer java, JibImages.Layer sharedJars, JibImages.Layer webhook, JibImages.Layer agent,
                    List<String> shared) {

    /** The layers of {@code runtime} (a jlinked tree) and the servers' jars (file name → file, main jar first). */
    static ServerLayers of(Path runtime, Map<String, Path> webhookJars, Map<String, Path> agentJars) throws Exception {
        List<String> shared = Layouts.sharedJars(ImageBuilderMain.digests(webhookJars),
                ImageBuilderMain.digests(agentJars));
        return new ServerLayers(new JibImages.Layer("java", Layouts.runtime(TreeWalk.of(runtime))),
                ImageBuilderMain.jarLayer("shared-jars", "webhook", webhookJars, shared, true),
                ImageBuilderMain.jarLayer("webhook", "webhook", webhookJars, shared, false),
                ImageBuilderMain.jarLayer("freeze-agent", "freeze-agent", agentJars, shared, false), shared);
    }
}
