package io.tresor.imagearchive.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.tresor.imagearchive.Digest;
import java.io.IOException;

/** Reads and writes index documents (and other archive documents): digests as {@code sha256:<hex>} strings. */
public final class ImageIndexCodec {
    private static final ObjectMapper JSON = mapper();

    private ImageIndexCodec() {
    }

    /** A mapper for archive documents: digests as strings, unknown fields tolerated (newer writers may add some). */
    public static ObjectMapper mapper() {
        SimpleModule digests = new SimpleModule("tresor-digest");
        digests.addSerializer(Digest.class, new JsonSerializer<>() {
            @Override
            public void serialize(Digest value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        digests.addDeserializer(Digest.class, new JsonDeserializer<>() {
            @Override
            public Digest deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Digest.parse(p.getValueAsString());
            }
        });
        digests.addKeySerializer(Digest.class, new JsonSerializer<>() {
            @Override
            public void serialize(Digest value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeFieldName(value.toString());
            }
        });
        digests.addKeyDeserializer(Digest.class, new com.fasterxml.jackson.databind.KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctxt) {
                return Digest.parse(key);
            }
        });
        return new ObjectMapper()
                .registerModule(digests)
                .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static byte[] write(ImageIndex index) {
        try {
            return JSON.writeValueAsBytes(index);
        } catch (IOException e) {
            throw new IllegalStateException("index document of backup " + index.backup() + " cannot be serialized", e);
        }
    }

    /**
     * @param where the object key, for error messages
     */
    public static ImageIndex read(byte[] json, String where) {
        ImageIndex index;
        try {
            index = JSON.readValue(json, ImageIndex.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " is not a valid image index document: " + e.getMessage(), e);
        }
        checkSchema(index.schemaVersion(), where);
        return index;
    }

    /** Refuses a schema this plugin does not know: misreading a newer document would lose what it references. */
    public static void checkSchema(int schemaVersion, String where) {
        if (schemaVersion != ImageIndex.SCHEMA_VERSION && schemaVersion != ImageIndex.LEGACY_SCHEMA_VERSION) {
            throw new IllegalArgumentException(where + " has schemaVersion " + schemaVersion + ", this plugin reads "
                    + ImageIndex.LEGACY_SCHEMA_VERSION + " and " + ImageIndex.SCHEMA_VERSION + ": upgrade tresor to restore or collect it");
        }
    }
}
