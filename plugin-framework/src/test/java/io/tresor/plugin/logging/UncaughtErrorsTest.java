package io.tresor.plugin.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class UncaughtErrorsTest {

    @Test
    void anExceptionThatEndsAThreadBecomesOneErrorLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            throw new IllegalStateException("worker broke");
        }, "tresor-action-3");
        t.setUncaughtExceptionHandler(new UncaughtErrors(new VeleroLogger("io.tresor.X", new LogSink(err))));
        t.start();
        t.join(5_000);

        String out = err.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(out);
        assertThat(line.get("@level").asText()).isEqualTo("error");
        assertThat(line.get("thread").asText()).isEqualTo("tresor-action-3");
        assertThat(line.get("error").asText()).isEqualTo("java.lang.IllegalStateException: worker broke");
    }
}
