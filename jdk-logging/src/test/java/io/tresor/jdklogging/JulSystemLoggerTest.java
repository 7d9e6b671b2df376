package io.tresor.jdklogging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.ResourceBundle;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

class JulSystemLoggerTest {
    private static final String NAME = "jdk.internal.httpclient.debug.test";
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { records.add(r); }
        @Override public void flush() { }
        @Override public void close() { }
    };
    private Logger jul;

    @BeforeEach
    void attach() {
        jul = Logger.getLogger(NAME);
        jul.setUseParentHandlers(false);
        jul.addHandler(capture);
        jul.setLevel(java.util.logging.Level.FINE);
    }

    @AfterEach
    void detach() {
        jul.removeHandler(capture);
    }

    @Test
    void levelsMapAsTheJdksOwnBridgeDoes() {
        assertThat(JulSystemLogger.toJul(System.Logger.Level.TRACE)).isEqualTo(java.util.logging.Level.FINER);
        assertThat(JulSystemLogger.toJul(System.Logger.Level.DEBUG)).isEqualTo(java.util.logging.Level.FINE);
        assertThat(JulSystemLogger.toJul(System.Logger.Level.INFO)).isEqualTo(java.util.logging.Level.INFO);
        assertThat(JulSystemLogger.toJul(System.Logger.Level.WARNING)).isEqualTo(java.util.logging.Level.WARNING);
        assertThat(JulSystemLogger.toJul(System.Logger.Level.ERROR)).isEqualTo(java.util.logging.Level.SEVERE);
        assertThat(JulSystemLogger.toJul(System.Logger.Level.OFF)).isEqualTo(java.util.logging.Level.OFF);
    }

    @Test
    void aRecordNamesTheLoggerAndTheCallingClassNotTheAdapter() {
        System.Logger logger = new JulLoggerFinder().getLogger(NAME, Object.class.getModule());
        IllegalStateException failure = new IllegalStateException("handshake");
        logger.log(System.Logger.Level.WARNING, "TLS alert received", failure);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(r.getLoggerName()).isEqualTo(NAME);
            assertThat(r.getMessage()).isEqualTo("TLS alert received");
            assertThat(r.getThrown()).isSameAs(failure);
            assertThat(r.getSourceClassName()).isEqualTo(JulSystemLoggerTest.class.getName());
            assertThat(r.getSourceMethodName()).isEqualTo("aRecordNamesTheLoggerAndTheCallingClassNotTheAdapter");
        });
    }

    @Test
    void parametersAreFormattedAsMessageFormatAndBundlesLocalise() {
        System.Logger logger = new JulLoggerFinder().getLogger(NAME, Object.class.getModule());
        ResourceBundle bundle = new ListResourceBundle() {
            @Override protected Object[][] getContents() {
                return new Object[][] {{"conn.closed", "connection {0} closed after {1} requests"}};
            }
        };
        logger.log(System.Logger.Level.DEBUG, bundle, "conn.closed", "registry:5000", 3);
        logger.log(System.Logger.Level.INFO, "plain {0}", "text");

        assertThat(records).extracting(LogRecord::getMessage)
                .containsExactly("connection registry:5000 closed after 3 requests", "plain text");
    }

    @Test
    void levelsBelowTheJulThresholdAreDroppedWithoutBuildingTheMessage() {
        System.Logger logger = new JulLoggerFinder().getLogger(NAME, Object.class.getModule());
        boolean[] built = {false};
        logger.log(System.Logger.Level.TRACE, () -> {
            built[0] = true;
            return "frame dump";
        });

        assertThat(logger.isLoggable(System.Logger.Level.TRACE)).isFalse();
        assertThat(logger.isLoggable(System.Logger.Level.DEBUG)).isTrue();
        assertThat(records).isEmpty();
        assertThat(built[0]).isFalse();
    }
}
