package io.tresor.plugin;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StartupPhasesTest {
    @Test
    void phasesAreMeasuredFromTheLaunchersStartInOrder() throws Exception {
        String before = System.getProperty(StartupPhases.LAUNCHED_PROPERTY);
        try {
            System.setProperty(StartupPhases.LAUNCHED_PROPERTY, Long.toString(System.nanoTime() - 5_000_000L));
            StartupPhases.mark("test-a");
            Thread.sleep(3);
            StartupPhases.mark("test-b");
            Map<String, Long> ms = StartupPhases.millis();
            assertThat(ms.get("test-a")).isGreaterThanOrEqualTo(5);
            assertThat(ms.get("test-b")).isGreaterThanOrEqualTo(3);
            assertThat(ms.keySet()).containsSubsequence("test-a", "test-b");
        } finally {
            if (before == null) {
                System.clearProperty(StartupPhases.LAUNCHED_PROPERTY);
            } else {
                System.setProperty(StartupPhases.LAUNCHED_PROPERTY, before);
            }
        }
    }

    @Test
    void withoutTheLauncherThereIsNothingToReport() {
        String before = System.getProperty(StartupPhases.LAUNCHED_PROPERTY);
        System.clearProperty(StartupPhases.LAUNCHED_PROPERTY);
        try {
            StartupPhases.mark("test-c");
            assertThat(StartupPhases.millis()).isEmpty();
        } finally {
            if (before != null) {
                System.setProperty(StartupPhases.LAUNCHED_PROPERTY, before);
            }
        }
    }
}
