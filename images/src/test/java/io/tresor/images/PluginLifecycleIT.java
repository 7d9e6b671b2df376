package io.tresor.images;

import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.PluginIdentifier;
import io.tresor.plugin.testkit.MethodPath;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start, handshake, discovery and stop of the real executable, exactly as Velero's go-plugin client does them. */
class PluginLifecycleIT {
    private static final Set<String> KINDS = Set.of("BackupItemAction", "BackupItemActionV2", "RestoreItemAction",
            "RestoreItemActionV2", "DeleteItemAction", "ObjectStore", "VolumeSnapshotter", "ItemBlockAction");
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[^/]+");
    /** What the shipped executable registers ("kind name"); test trees add the test kit's {@link #TEST_ACTIONS}. */
    static final List<String> SHIPPED = List.of(
            "BackupItemActionV2 tresor.io/volumesnapshot-thaw",
            "BackupItemActionV2 tresor.io/pod-consistency",
            "RestoreItemActionV2 tresor.io/consistency-cleanup",
            "BackupItemActionV2 tresor.io/imagestream-capture",
            "RestoreItemActionV2 tresor.io/imagestream-restore",
            "RestoreItemActionV2 tresor.io/imagestreamtag-skip",
            "DeleteItemAction tresor.io/imagestream-gc");
    static final int TEST_ACTIONS = 11;

    @Test
    void withoutTheMagicCookieItExplainsOnStderrExitsOneAndPrintsNothingOnStdout() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(PluginTrees.shipped().toString(), "--log-level", "info");
        pb.environment().remove("VELERO_PLUGIN");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).isEmpty();
        assertThat(err).contains("This binary is a plugin").contains("not meant to be executed directly");
    }

    @Test
    void aWrongCookieValueIsRefusedToo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(PluginTrees.shipped().toString());
        pb.environment().put("VELERO_PLUGIN", "Hello");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(p.getInputStream().readAllBytes()).isEmpty();
    }

    @Test
    void aClientThatDoesNotSpeakProtocolTwoIsRefused() {
        assertThatThrownBy(() -> PluginProcess.start(PluginTrees.shipped(), PluginProcess.VELERO_SERVER_ARGS,
                Map.of("PLUGIN_PROTOCOL_VERSIONS", "1,3")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("plugin exited before we could connect")
                .hasMessageContaining("Incompatible API version");
    }

    @Test
    void handshakeAnnouncesAPrivateUnixSocketInTmpdirAndHealthIsServing(@TempDir Path tmp) throws Exception {
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped(), PluginProcess.VELERO_SERVER_ARGS,
                Map.of("TMPDIR", tmp.toString()))) {
            assertThat(plugin.handshake().network()).isEqualTo("unix");
            assertThat(Path.of(plugin.handshake().address()).getParent()).isEqualTo(tmp);
            HealthCheckResponse health = MethodPath.call(plugin.channel(), "/grpc.health.v1.Health/Check",
                    HealthCheckRequest.newBuilder().setService("plugin").build(), HealthCheckResponse.getDefaultInstance());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            PluginProcess.Exit exit = plugin.shutdown();
            assertThat(exit.killed()).as("exited by itself after Shutdown").isFalse();
            assertThat(exit.status()).isZero();
            assertThat(exit.afterShutdown()).isLessThan(PluginProcess.KILL_AFTER);
            assertThat(Files.exists(Path.of(plugin.handshake().address()))).as("socket removed").isFalse();
            assertThat(plugin.stdoutAfterHandshake()).isEmpty();
        }
    }

    @Test
    void brokerAndStdioStreamsStayOpenAndIdleAndDoNotDelayShutdown() throws Exception {
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped())) {
            StreamProbe<io.tresor.proto.goplugin.ConnInfo> broker = new StreamProbe<>();
            StreamProbe<io.tresor.proto.goplugin.StdioData> stdio = new StreamProbe<>();
            // What go-plugin's client does right after dialing.
            io.grpc.stub.StreamObserver<io.tresor.proto.goplugin.ConnInfo> brokerRequests =
                    io.tresor.proto.goplugin.GRPCBrokerGrpc.newStub(plugin.channel()).startStream(broker);
            io.tresor.proto.goplugin.GRPCStdioGrpc.newStub(plugin.channel())
                    .streamStdio(com.google.protobuf.Empty.getDefaultInstance(), stdio);
            brokerRequests.onNext(io.tresor.proto.goplugin.ConnInfo.newBuilder().setServiceId(1).build());

            assertThat(listPlugins(plugin).getPluginsList()).hasSize(SHIPPED.size()); // a round trip after the streams opened
            assertThat(broker.events()).as("broker stream open, nothing sent").isEmpty();
            assertThat(stdio.events()).as("stdio stream open, nothing sent").isEmpty();

            PluginProcess.Exit exit = plugin.shutdown();
            assertThat(exit.killed()).isFalse();
            assertThat(exit.status()).isZero();
            assertThat(exit.afterShutdown()).isLessThan(PluginProcess.KILL_AFTER);
        }
    }

    /** Records what a server stream delivers. */
    static final class StreamProbe<T> implements io.grpc.stub.StreamObserver<T> {
        private final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override public void onNext(T value) { events.add("next " + value); }
        @Override public void onError(Throwable t) { events.add("error " + t); }
        @Override public void onCompleted() { events.add("completed"); }

        List<String> events() { return events; }
    }

    @Test
    void twoInstancesRunSideBySideOnDifferentSockets() throws Exception {
        try (PluginProcess a = PluginProcess.start(PluginTrees.shipped());
             PluginProcess b = PluginProcess.start(PluginTrees.shipped())) {
            assertThat(a.handshake().address()).isNotEqualTo(b.handshake().address());
            assertThat(listPlugins(a).getPluginsList()).hasSize(SHIPPED.size());
            assertThat(listPlugins(b).getPluginsList()).hasSize(SHIPPED.size());
            assertThat(a.shutdown().status()).isZero();
            assertThat(b.shutdown().status()).isZero();
        }
    }

    @Test
    void theShippedExecutableListsExactlyTresorsActions() throws Exception {
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped())) {
            assertThat(listPlugins(plugin).getPluginsList()).extracting(p -> p.getKind() + " " + p.getName())
                    .containsExactlyInAnyOrderElementsOf(SHIPPED);
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(warnOrErrorLines(plugin.stderrLines())).as("a quiet start counts no Velero warnings").isEmpty();
        }
    }

    @Test
    void listPluginsReportsValidKindsNamesAndTheExactCommandVeleroRan() throws Exception {
        Path launcher = PluginTrees.withTestActions();
        try (PluginProcess plugin = PluginProcess.start(launcher)) {
            List<PluginIdentifier> plugins = listPlugins(plugin).getPluginsList();
            assertThat(plugins).hasSize(TEST_ACTIONS + SHIPPED.size());
            for (PluginIdentifier id : plugins) {
                assertThat(id.getCommand()).isEqualTo(launcher.toString());
                assertThat(KINDS).contains(id.getKind());
                assertThat(id.getName()).matches(NAME).startsWith("tresor.io/");
            }
            assertThat(plugins).extracting(PluginIdentifier::getKind).containsSubsequence(
                    "BackupItemAction", "BackupItemActionV2", "RestoreItemAction", "RestoreItemActionV2",
                    "DeleteItemAction");
            assertThat(plugins.stream().map(p -> p.getName()).distinct().count()).isEqualTo(plugins.size());
            assertThat(plugin.shutdown().status()).isZero();
        }
    }

    @Test
    void unknownVeleroServerFlagsAreIgnored() throws Exception {
        List<String> args = List.of("--log-level=debug", "--features", "EnableCSI,EnableAPIGroupVersions",
                "--some-future-flag", "value", "--bool-flag", "-x", "--profiler-address=localhost:6060",
                "positional");
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.withTestActions(), args, Map.of())) {
            assertThat(listPlugins(plugin).getPluginsCount()).isEqualTo(TEST_ACTIONS + SHIPPED.size());
            assertThat(plugin.shutdown().status()).isZero();
        }
    }

    static ListPluginsResponse listPlugins(PluginProcess plugin) {
        return MethodPath.call(plugin.channel(), "/generated.PluginLister/ListPlugins", Empty.getDefaultInstance(),
                ListPluginsResponse.getDefaultInstance());
    }

    static List<String> warnOrErrorLines(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"@level\":\"warn\"") || l.contains("\"@level\":\"error\"")
                || !l.startsWith("{")).toList();
    }
}
