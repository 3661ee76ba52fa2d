package io.livecloud.control.domain;

import java.util.List;

/**
 * The operator's settings for the control plane (config keys {@code domains.*}, {@code cname.*}).
 *
 * @param domainQuota                 domains per account (the cloud's default is 20)
 * @param cnameZone                   every domain is assigned {@code <domain>.<cnameZone>}
 * @param liveCenters                 the region IDs this install serves; all from the local node
 * @param maxPublishersPerPushDomain  concurrent publishers per push domain (流数限制)
 * @param defaultPushDomain           where a push to an IP address or {@code localhost} goes
 * @param defaultPlayDomain           where a play from an IP address or {@code localhost} goes
 */
public record ControlSettings(int domainQuota, String cnameZone, List<String> liveCenters,
                              int maxPublishersPerPushDomain, String defaultPushDomain, String defaultPlayDomain) {

    /** The cloud's common region IDs, so scripts written for it work unchanged. */
    public static final List<String> DEFAULT_LIVE_CENTERS = List.of("cn-beijing", "cn-shanghai", "cn-shenzhen",
            "cn-hangzhou", "cn-qingdao", "cn-zhangjiakou", "cn-chengdu", "cn-hongkong", "ap-southeast-1",
            "ap-southeast-5", "ap-northeast-1", "ap-south-1", "eu-central-1", "eu-west-1", "us-west-1", "us-east-1");

    public ControlSettings {
        liveCenters = List.copyOf(liveCenters);
    }

    public static ControlSettings defaults() {
        return new ControlSettings(20, "livecloud.internal", DEFAULT_LIVE_CENTERS, 300,
                "push.livecloud.localhost", "play.livecloud.localhost");
    }

    /** The region the demo domains of a first start are created in. */
    public String firstLiveCenter() {
        return liveCenters.isEmpty() ? "cn-shanghai" : liveCenters.get(0);
    }
}
