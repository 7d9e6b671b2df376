package io.tresor.plugin.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders one log event as the single-line JSON object Velero's go-plugin host accepts (protocol doc §5):
 * string {@code @level} and {@code @message}, {@code logSource} + {@code @logSourceSetBy}, no {@code @timestamp},
 * and {@code namespace}/{@code name}/{@code resource} always strings (a non-string one panics Velero).
 */
public final class LogLine {
    /** Stay well below go-plugin's 64 KiB line buffer: longer lines arrive as debug fragments. */
    static final int MAX_MESSAGE_CHARS = 16 * 1024;
    static final int MAX_FIELD_CHARS = 4 * 1024;
    /**
     * A rendered line longer than this (many fields; JSON escapes and UTF-8 make a character up to 6 bytes) is
     * rendered again, compactly: shorter message and values, and fields only while the line stays under it.
     */
    static final int MAX_LINE_BYTES = 48 * 1024;
    private static final int COMPACT_MESSAGE_CHARS = 4 * 1024;
    private static final int COMPACT_FIELD_CHARS = 1024;
    private static final int MAX_KEY_CHARS = 256;

    private static final JsonFactory JSON = new JsonFactory();
    /** Keys Velero drops or interprets itself; user fields with these names are renamed. */
    private static final Set<String> RESERVED = Set.of("time", "timestamp", "level", "logSource", "logger", "error",
            "error.file", "error.function");
    private static final Set<String> ALWAYS_STRING = Set.of("namespace", "name", "resource");

    private LogLine() {
    }

    /** One event; {@code fields} may hold any values; {@code source} is {@code path/File.java:line} or null. */
    public static byte[] render(LogLevel level, String message, String loggerName, String source,
                                List<Map.Entry<String, Object>> fields, Throwable error) {
        byte[] line = render(level, message, loggerName, source, fields, error, MAX_MESSAGE_CHARS, MAX_FIELD_CHARS,
                Integer.MAX_VALUE);
        if (line.length <= MAX_LINE_BYTES) {
            return line;
        }
        // A field is added only while the line leaves room for one more field and the error (each at most 6 bytes
        // per character) and the error's source: the message takes at most 6 x 4 KiB of what is left.
        int fieldBudget = MAX_LINE_BYTES - 2 * 6 * (COMPACT_FIELD_CHARS + MAX_KEY_CHARS) - 1024;
        return render(level, message, loggerName, source, fields, error, COMPACT_MESSAGE_CHARS, COMPACT_FIELD_CHARS,
                fieldBudget);
    }

    private static byte[] render(LogLevel level, String message, String loggerName, String source,
                                 List<Map.Entry<String, Object>> fields, Throwable error, int messageChars,
                                 int fieldChars, int fieldBudget) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("@level", level.wireName());
            g.writeStringField("@message", truncate(message == null ? "" : message, messageChars));
            g.writeStringField("@logSourceSetBy", "plugin");
            g.writeStringField("level", level.wireName());
            if (source != null) {
                g.writeStringField("logSource", source);
            }
            if (loggerName != null && !loggerName.isEmpty()) {
                g.writeStringField("logger", loggerName);
            }
            if (fields != null) {
                int written = 0;
                for (Map.Entry<String, Object> f : fields) {
                    g.flush();
                    if (out.size() > fieldBudget) {
                        break;
                    }
                    writeField(g, f.getKey(), f.getValue(), fieldChars);
                    written++;
                }
                if (written < fields.size()) {
                    g.writeNumberField("fieldsDropped", fields.size() - written);
                }
            }
            if (error != null) {
                g.writeStringField("error", truncate(describe(error), fieldChars));
                StackTraceElement[] st = error.getStackTrace();
                if (st.length > 0) {
                    g.writeStringField("error.file", sourceOf(st[0]));
                    g.writeStringField("error.function", st[0].getClassName() + "." + st[0].getMethodName());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            // Cannot happen writing to memory; never let logging fail the caller.
            return ("{\"@level\":\"error\",\"@message\":\"log line could not be rendered\"}").getBytes(StandardCharsets.UTF_8);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeField(JsonGenerator g, String key, Object value, int maxChars) throws IOException {
        if (key == null || key.isEmpty()) {
            return;
        }
        String k = key.startsWith("@") || RESERVED.contains(key) ? "field." + key.replace("@", "") : key;
        k = k.length() <= MAX_KEY_CHARS ? k : k.substring(0, MAX_KEY_CHARS);
        if (ALWAYS_STRING.contains(k)) {
            g.writeStringField(k, truncate(safeToString(value), maxChars));
            return;
        }
        if (value == null) {
            g.writeNullField(k);
        } else if (value instanceof Boolean b) {
            g.writeBooleanField(k, b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumberField(k, ((Number) value).longValue());
        } else if (value instanceof Double d && Double.isFinite(d)) {
            g.writeNumberField(k, d);
        } else if (value instanceof Float f && Float.isFinite(f)) {
            g.writeNumberField(k, f);
        } else if (value instanceof BigInteger bi) {
            g.writeFieldName(k);
            g.writeNumber(bi);
        } else if (value instanceof BigDecimal bd) {
            g.writeFieldName(k);
            g.writeNumber(bd);
        } else {
            g.writeStringField(k, truncate(safeToString(value), maxChars));
        }
    }

    /** {@code io/tresor/x/Foo.java:42}, the form Velero shows as logSource. */
    public static String sourceOf(StackTraceElement e) {
        String cls = e.getClassName();
        int dot = cls.lastIndexOf('.');
        String dir = dot < 0 ? "" : cls.substring(0, dot).replace('.', '/') + "/";
        String file = e.getFileName() != null ? e.getFileName() : cls.substring(dot + 1) + ".java";
        return dir + file + ":" + Math.max(e.getLineNumber(), 0);
    }

    static String describe(Throwable t) {
        String m = safeToString(t.getMessage());
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + m);
    }

    static String safeToString(Object o) {
        if (o == null) {
            return "";
        }
        try {
            return String.valueOf(o);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // StackOverflowError: a value that contains itself (a map holding itself, directly or not)
            return "<" + o.getClass().getName() + ".toString() failed>";
        }
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(truncated " + (s.length() - max) + " chars)";
    }
}
