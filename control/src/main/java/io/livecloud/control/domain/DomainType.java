package io.livecloud.control.domain;

import io.livecloud.control.ControlException;

/** The business type (业务类型) of a domain, fixed at creation; the API names are the cloud's. */
public enum DomainType {
    /** 推流域名: publishers push to it. */
    PUSH("liveEdge"),
    /** 播流域名: viewers play from it. */
    PLAY("liveVideo");

    private final String apiName;

    DomainType(String apiName) {
        this.apiName = apiName;
    }

    /** {@code liveEdge} / {@code liveVideo}, as in {@code LiveDomainType}. */
    public String apiName() {
        return apiName;
    }

    public static DomainType fromApiName(String name) {
        for (DomainType t : values()) {
            if (t.apiName.equals(name)) {
                return t;
            }
        }
        throw ControlException.badRequest("InvalidLiveDomainType.Malformed",
                "LiveDomainType must be liveEdge (push) or liveVideo (play), got: " + name);
    }
}
