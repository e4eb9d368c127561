package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes a {@link LateRow} keyed by impression_id: {@code "side"} ({@code impression} or {@code
 * click}), the row in its input format (event_time as ISO-8601 UTC), {@code "watermark"} (ISO-8601
 * UTC) and {@code "lateness_ms"}.
 */
public final class LateRowSerializationSchema extends KeyedRecordSerializationSchema<LateRow> {
    private static final long serialVersionUID = 1L;

    public LateRowSerializationSchema(String topic) {
        super(topic, LateRow::impressionId, LateRowSerializationSchema::toJson);
    }

    public static byte[] toJson(LateRow late) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    if (late.impression() != null) {
                        AdImpression i = late.impression();
                        g.writeStringField("side", "impression");
                        g.writeStringField("impression_id", i.impressionId());
                        g.writeStringField("user_id", i.userId());
                        g.writeStringField("ad_id", i.adId());
                        g.writeStringField("event_time", Json.isoTime(i.eventTime()));
                    } else {
                        AdClick c = late.click();
                        g.writeStringField("side", "click");
                        g.writeStringField("click_id", c.clickId());
                        g.writeStringField("impression_id", c.impressionId());
                        g.writeStringField("user_id", c.userId());
                        g.writeStringField("event_time", Json.isoTime(c.eventTime()));
                    }
                    g.writeStringField("watermark", Json.isoTime(late.watermark()));
                    g.writeNumberField("lateness_ms", late.latenessMs());
                    g.writeEndObject();
                });
    }
}
