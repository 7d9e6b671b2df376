package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.testing.ImageStreams;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The namespace an ImageStream names inside the backup must lie inside the Restore's and the Backup's filters. */
class SourceNamespacePolicyTest {

    /** A NAR-made Restore ({@code includedNamespaces: [shop]}) of a NAB-made Backup of {@code shop}, then changed. */
    static Stream<Arguments> cases() {
        Consumer<ObjectNode> none = o -> { };
        return Stream.of(
                Arguments.of("NAR-forced [shop], item names victim", "victim", none, none, "restore restore-1 includes only namespaces [shop]"),
                Arguments.of("NAR-forced [shop], item names shop", "shop", none, none, null),
                Arguments.of("restore unfiltered, NAB-forced backup [shop], item names victim", "victim",
                        spec(s -> s.remove("includedNamespaces")), none, "backup full-1 includes only namespaces [shop]"),
                Arguments.of("admin restore [*] of an all-namespace backup, item names victim", "victim",
                        spec(s -> s.putArray("includedNamespaces").add("*")), spec(s -> s.remove("includedNamespaces")), null),
                Arguments.of("empty lists everywhere", "victim", spec(s -> s.putArray("includedNamespaces")),
                        spec(s -> s.putArray("includedNamespaces")), null),
                Arguments.of("restore excludes victim", "victim", spec(s -> {
                    s.putArray("includedNamespaces").add("*");
                    s.putArray("excludedNamespaces").add("victim");
                }), spec(s -> s.remove("includedNamespaces")), "restore restore-1 excludes namespaces [victim]"),
                Arguments.of("backup excludes by glob", "kube-system", spec(s -> s.remove("includedNamespaces")), spec(s -> {
                    s.remove("includedNamespaces");
                    s.putArray("excludedNamespaces").add("kube-*");
                }), "backup full-1 excludes namespaces [kube-*] (spec.excludedNamespaces)"),
                Arguments.of("mapping shop -> shop-copy, item names shop", "shop",
                        spec(s -> s.putObject("namespaceMapping").put("shop", "shop-copy")), none, null),
                Arguments.of("mapping shop -> shop-copy, item names the target shop-copy", "shop-copy",
                        spec(s -> s.putObject("namespaceMapping").put("shop", "shop-copy")), none, "includes only namespaces [shop]"),
                Arguments.of("glob shop-? matches shop-a", "shop-a", spec(s -> s.putArray("includedNamespaces").add("shop-?")),
                        spec(s -> s.putArray("includedNamespaces").add("shop-[a-c]")), null),
                Arguments.of("glob shop-[a-c] does not match shop-d", "shop-d", spec(s -> s.putArray("includedNamespaces").add("shop-*")),
                        spec(s -> s.putArray("includedNamespaces").add("shop-[a-c]")), "backup full-1 includes only namespaces [shop-[a-c]]"),
                Arguments.of("glob shop-* does not match shopping", "shopping", spec(s -> s.putArray("includedNamespaces").add("shop-*")),
                        none, "restore restore-1 includes only namespaces [shop-*]"),
                Arguments.of("no namespace at all", "", none, none, "it has no metadata.namespace"));
    }

    private static Consumer<ObjectNode> spec(Consumer<ObjectNode> change) {
        return o -> change.accept(o.withObjectProperty("spec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String description, String itemNamespace, Consumer<ObjectNode> restoreChange, Consumer<ObjectNode> backupChange,
                 String refusal) {
        ObjectNode restore = ImageStreams.restore("restore-1", "full-1", "shop", "shop");
        ObjectNode backup = ImageStreams.storedBackup("full-1", "shop");
        restoreChange.accept(restore);
        backupChange.accept(backup);
        var decision = SourceNamespacePolicy.refusal(itemNamespace, restore, backup);
        if (refusal == null) {
            assertThat(decision).as(description).isEmpty();
        } else {
            assertThat(decision).as(description).hasValueSatisfying(r -> assertThat(r).contains(refusal));
        }
    }

    @Test
    void globsFollowVelero() {
        assertThat(SourceNamespacePolicy.matches("app-*", "app-prod")).isTrue();
        assertThat(SourceNamespacePolicy.matches("app-*", "app-")).isTrue();
        assertThat(SourceNamespacePolicy.matches("ns?", "ns10")).isFalse();
        assertThat(SourceNamespacePolicy.matches("ns[123]", "ns2")).isTrue();
        assertThat(SourceNamespacePolicy.matches("ns[a-c]", "nsd")).isFalse();
        assertThat(SourceNamespacePolicy.matches("shop", "shop-copy")).isFalse();
        assertThat(SourceNamespacePolicy.matches("ns[1", "ns1")).as("unclosed bracket matches nothing").isFalse();
    }
}
