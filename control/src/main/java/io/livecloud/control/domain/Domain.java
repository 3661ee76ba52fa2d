package io.livecloud.control.domain;

import java.time.Instant;

/**
 * One domain as stored. Immutable: every change makes a new value ({@code with…}).
 *
 * @param region       the live center (直播中心), fixed at creation
 * @param scope        acceleration scope: {@code domestic}, {@code overseas} or {@code global}
 * @param cname        the assigned {@code <domain>.<cname-zone>}
 * @param appIsolation when on, streams are unique by app + stream name; when off (the cloud's default), a stream
 *                     name is unique within the domain whatever the app
 */
public record Domain(String name, DomainType type, String region, String scope, DomainStatus status, String cname,
                     CnameStatus cnameStatus, boolean appIsolation, AuthConfig auth, Instant created,
                     Instant modified) {

    public Domain withStatus(DomainStatus s, Instant now) {
        return new Domain(name, type, region, scope, s, cname, cnameStatus, appIsolation, auth, created, now);
    }

    public Domain withCnameStatus(CnameStatus s, Instant now) {
        return new Domain(name, type, region, scope, status, cname, s, appIsolation, auth, created, now);
    }

    public Domain withAuth(AuthConfig a, Instant now) {
        return new Domain(name, type, region, scope, status, cname, cnameStatus, appIsolation, a, created, now);
    }

    public Domain withAppIsolation(boolean on, Instant now) {
        return new Domain(name, type, region, scope, status, cname, cnameStatus, on, auth, created, now);
    }

    public boolean online() {
        return status == DomainStatus.ONLINE;
    }
}
