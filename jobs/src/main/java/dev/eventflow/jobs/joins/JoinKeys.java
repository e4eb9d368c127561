package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.UserEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** The key selectors of {@code joins}: impression_id for the ad join, user_id for enrichment. */
public final class JoinKeys {

    private JoinKeys() {}

    public static final class ImpressionId implements KeySelector<AdImpression, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AdImpression i) {
            return i.impressionId();
        }
    }

    public static final class ClickImpressionId implements KeySelector<AdClick, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AdClick c) {
            return c.impressionId();
        }
    }

    public static final class EventUserId implements KeySelector<UserEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(UserEvent e) {
            return e.userId;
        }
    }

    public static final class ProfileUserId implements KeySelector<ProfileUpdate, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ProfileUpdate p) {
            return p.userId();
        }
    }
}
