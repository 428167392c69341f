package org.saddlescope.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import org.saddlescope.net.Activation;

/**
 * The JSON and YAML mappers every file of saddlescope is written and read with (run folders, sweeps, the data
 * folder, locks): indented JSON, YAML without a document marker, and the config types written as their spec strings.
 */
public final class Json {
    private Json() {}

    /** Activation fields are written as their spec string ("relu", "leaky_relu:0.1") and read back by Activation.parse. */
    public static final SimpleModule TYPES = new SimpleModule("saddlescope-config-types")
            .addSerializer(Activation.class, new StdScalarSerializer<Activation>(Activation.class) {
                @Override
                public void serialize(Activation a, JsonGenerator g, SerializerProvider p) throws IOException {
                    g.writeString(a.name());
                }
            })
            .addDeserializer(Activation.class, new StdScalarDeserializer<Activation>(Activation.class) {
                @Override
                public Activation deserialize(JsonParser p, DeserializationContext c) throws IOException {
                    try {
                        return Activation.parse(p.getValueAsString());
                    } catch (IllegalArgumentException e) {
                        throw com.fasterxml.jackson.databind.JsonMappingException.from(p, e.getMessage(), e);
                    }
                }
            });

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).registerModule(TYPES);

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).registerModule(TYPES);
}
