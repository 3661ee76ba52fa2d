package io.livecloud.control.domain;

/** 关联推流域名和播流域名: streams pushed on {@code pushDomain} play on {@code playDomain}. */
public record DomainMapping(String pushDomain, String playDomain) {
}
