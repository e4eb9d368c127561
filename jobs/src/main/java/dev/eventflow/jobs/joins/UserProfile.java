package dev.eventflow.jobs.joins;

import java.util.Objects;

/**
 * The latest profile of one user, from the compacted {@code --profiles-topic} (key {@code user_id},
 * value {@code {"user_id", "country", "segment"}}; {@code country} and {@code segment} may be null
 * or absent). A Flink POJO: it is the enrichment's keyed state.
 */
public class UserProfile {

    public String userId;
    public String country;
    public String segment;

    public UserProfile() {}

    public UserProfile(String userId, String country, String segment) {
        this.userId = userId;
        this.country = country;
        this.segment = segment;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof UserProfile)) return false;
        UserProfile that = (UserProfile) o;
        return Objects.equals(userId, that.userId)
                && Objects.equals(country, that.country)
                && Objects.equals(segment, that.segment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, country, segment);
    }

    @Override
    public String toString() {
        return "UserProfile{" + userId + ", country=" + country + ", segment=" + segment + "}";
    }
}
