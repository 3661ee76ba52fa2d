package io.livecloud.control.domain;

/** Whether a domain serves: a stopped ({@code offline}) domain refuses new pushes and plays. */
public enum DomainStatus {
    ONLINE("online"),
    OFFLINE("offline");

    private final String apiName;

    DomainStatus(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static DomainStatus fromApiName(String name) {
        for (DomainStatus s : values()) {
            if (s.apiName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown domain status: " + name);
    }
}
