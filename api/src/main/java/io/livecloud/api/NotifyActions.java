package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.notify.CallbackNotifier;
import io.livecloud.control.notify.NotifyConfig;

import java.util.Map;

/**
 * The publish-callback actions of the cloud's API: SetLiveStreamsNotifyUrlConfig, DescribeLiveStreamsNotifyUrlConfig,
 * DeleteLiveStreamsNotifyUrlConfig. {@code DomainName} is the push domain whose publishes are reported.
 */
final class NotifyActions {
    private final DomainCatalog catalog;
    private final CallbackNotifier notifier;

    private NotifyActions(DomainCatalog catalog, CallbackNotifier notifier) {
        this.catalog = catalog;
        this.notifier = notifier;
    }

    static void register(Map<String, LiveActions.Action> actions, DomainCatalog catalog, CallbackNotifier notifier) {
        NotifyActions a = new NotifyActions(catalog, notifier);
        actions.put("SetLiveStreamsNotifyUrlConfig", a::set);
        actions.put("DescribeLiveStreamsNotifyUrlConfig", a::describe);
        actions.put("DeleteLiveStreamsNotifyUrlConfig", (p, out) -> notifier.deleteConfig(pushDomain(catalog, p)));
    }

    private static String pushDomain(DomainCatalog catalog, ApiParams p) {
        Domain d = catalog.get(p.required("DomainName"));
        if (d.type() != DomainType.PUSH) {
            throw ControlException.badRequest("InvalidDomain.TypeMismatch",
                    d.name() + " is a play domain; publish callbacks are set on the push domain");
        }
        return d.name();
    }

    private void set(ApiParams p, ObjectNode out) {
        String domain = pushDomain(catalog, p);
        String auth = p.optional("NotifyReqAuth");
        if (auth != null && !auth.equals("yes") && !auth.equals("no")) {
            throw ControlException.badRequest("InvalidNotifyReqAuth.Malformed", "NotifyReqAuth must be yes or no, got: " + auth);
        }
        notifier.setConfig(domain, new NotifyConfig(p.required("NotifyUrl"), "yes".equals(auth), p.optional("NotifyAuthKey")));
    }

    private void describe(ApiParams p, ObjectNode out) {
        String domain = pushDomain(catalog, p);
        ObjectNode c = out.putObject("LiveStreamsNotifyConfig");
        c.put("DomainName", domain);
        notifier.config(domain).ifPresent(n -> {
            c.put("NotifyUrl", n.url());
            c.put("NotifyReqAuth", n.reqAuth() ? "yes" : "no");
            c.put("NotifyAuthKey", n.authKey());
        });
    }
}
