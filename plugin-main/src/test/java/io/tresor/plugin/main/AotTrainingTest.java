package io.tresor.plugin.main;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class AotTrainingTest {

    @Test
    void everyTeardownClassTheTrainingLoadsByNameExistsInTheLibrariesShipped() {
        // A netty or gRPC upgrade that renames one would silently bring back a read of the application jar at exit.
        assertThat(AotTraining.TEARDOWN_CLASSES).isNotEmpty().doesNotHaveDuplicates();
        for (String name : AotTraining.TEARDOWN_CLASSES) {
            assertThatCode(() -> Class.forName(name, false, AotTraining.class.getClassLoader()))
                    .as(name).doesNotThrowAnyException();
        }
    }
}
