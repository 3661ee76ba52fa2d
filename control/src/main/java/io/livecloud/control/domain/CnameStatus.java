package io.livecloud.control.domain;

/** Whether the user's DNS points the domain at its assigned CNAME (配置CNAME). Serving does not wait for it. */
public enum CnameStatus {
    CONFIGURED("configured"),
    PENDING("pending");

    private final String apiName;

    CnameStatus(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static CnameStatus fromApiName(String name) {
        for (CnameStatus s : values()) {
            if (s.apiName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown CNAME status: " + name);
    }
}
