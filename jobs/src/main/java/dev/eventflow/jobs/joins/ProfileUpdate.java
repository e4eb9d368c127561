package dev.eventflow.jobs.joins;

/**
 * One record of the compacted profiles topic: a new version of a user's profile, or (a Kafka
 * tombstone: key set, value null) its deletion, with {@link #profile} null. A Flink POJO.
 */
public class ProfileUpdate {

    public String userId;

    /** The new profile; null for a tombstone (the profile is deleted). */
    public UserProfile profile;

    public ProfileUpdate() {}

    public static ProfileUpdate upsert(UserProfile profile) {
        ProfileUpdate u = new ProfileUpdate();
        u.userId = profile.userId;
        u.profile = profile;
        return u;
    }

    public static ProfileUpdate delete(String userId) {
        ProfileUpdate u = new ProfileUpdate();
        u.userId = userId;
        return u;
    }

    public boolean isDelete() {
        return profile == null;
    }

    @Override
    public String toString() {
        return isDelete()
                ? "ProfileUpdate{delete " + userId + "}"
                : "ProfileUpdate{" + profile + "}";
    }
}
