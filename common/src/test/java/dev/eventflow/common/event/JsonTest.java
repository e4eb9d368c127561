package dev.eventflow.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The output JSON's numbers: written by the fast double writer, read back as the same double. */
class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String write(double value) {
        return new String(
                Json.write(
                        g -> {
                            g.writeStartObject();
                            Json.number(g, "x", value);
                            g.writeEndObject();
                        }),
                StandardCharsets.UTF_8);
    }

    @Test
    void everyDoubleReadsBackExactly() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            double v =
                    switch (i % 3) {
                        case 0 -> Math.round(r.nextDouble(0, 1_000_000) * 100) / 100.0; // money
                        case 1 -> r.nextDouble(-1e300, 1e300);
                        default -> Double.longBitsToDouble(r.nextLong()) / 1e10;
                    };
            if (Double.isNaN(v) || Double.isInfinite(v)) continue;
            assertThat(MAPPER.readTree(write(v)).get("x").doubleValue()).isEqualTo(v);
        }
    }

    @Test
    void amountsLookAsTheyWereWritten() {
        assertThat(write(120.5)).isEqualTo("{\"x\":120.5}");
        assertThat(write(40.17)).isEqualTo("{\"x\":40.17}");
        assertThat(write(0.1 + 0.2)).isEqualTo("{\"x\":0.30000000000000004}");
    }
}
