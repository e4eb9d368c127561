package dev.eventflow.jobs.joins;

/**
 * One record of the compacted profiles topic: a new version of a user's profile, or (a Kafka
 * tombstone: key set, value null) its deletion.
 *
 * @param profile the new profile; null for a tombstone (the profile is deleted)
 */
public record ProfileUpdate(String userId, UserProfile profile) {

    public static ProfileUpdate upsert(UserProfile profile) {
        return new ProfileUpdate(profile.userId, profile);
    }

    public static ProfileUpdate delete(String userId) {
        return new ProfileUpdate(userId, null);
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
