package org.saddlescope.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import org.saddlescope.net.Precision;

/**
 * Config fields whose type lives below config and knows nothing of Jackson, written as their spec string and read
 * back by their parser, on the field ({@code @JsonSerialize(using = ...)}), so that other files holding the same type
 * (bench.json's rows) keep their own form. A parse error is a {@link JsonMappingException} carrying the parser's
 * message, which {@link Configs} reports with the field's name.
 */
public final class SpecJson {
    private SpecJson() {}

    /** {@link Precision} as its label: float32, mixed, float64. */
    public static final class PrecisionOut extends StdScalarSerializer<Precision> {
        public PrecisionOut() {
            super(Precision.class);
        }

        @Override
        public void serialize(Precision p, JsonGenerator g, SerializerProvider s) throws IOException {
            g.writeString(p.label());
        }
    }

    /** {@link Precision#parse}: float32 (f32, float, single), mixed, float64 (f64, double). */
    public static final class PrecisionIn extends StdScalarDeserializer<Precision> {
        public PrecisionIn() {
            super(Precision.class);
        }

        @Override
        public Precision deserialize(JsonParser p, DeserializationContext c) throws IOException {
            try {
                return Precision.parse(p.getValueAsString());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw JsonMappingException.from(p, e.getMessage() == null ? "missing" : e.getMessage(), e);
            }
        }
    }
}
