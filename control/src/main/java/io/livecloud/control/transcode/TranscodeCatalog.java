package io.livecloud.control.transcode;

import io.livecloud.control.ControlException;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;
import io.livecloud.control.domain.DomainNames;
import io.livecloud.control.domain.DomainType;
import io.livecloud.control.store.ControlStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The transcoding templates bound to play domains and apps (SPEC §5), built like {@link DomainCatalog}: changes are
 * serialised, written to the store first, then published as a new immutable list behind a volatile field, so the
 * planners and the media plane's rendition lookups read it without a lock or I/O.
 *
 * <p>The cloud binds templates to the streaming ("main streaming") domain, the play domain; streams live in the hub
 * under their push domain, so a source {@code (push domain, app)} gets the renditions of every play domain mapped to
 * that push domain. An app's own bindings win over the {@code *} ones (the cloud's rule: {@code *} applies only to
 * apps with no binding of their own).
 */
public final class TranscodeCatalog {
    /** What one play domain may carry at most, so a typo loop cannot bind thousands of renditions. */
    static final int MAX_BINDINGS_PER_DOMAIN = 100;

    private final ControlStore store;
    private final DomainCatalog domains;
    private final Clock clock;
    private volatile List<TranscodeBinding> bindings;

    public TranscodeCatalog(ControlStore store, DomainCatalog domains, Clock clock) {
        this.store = store;
        this.domains = domains;
        this.clock = clock;
        this.bindings = List.copyOf(store.transcodeBindings());
    }

    /** AddLiveStreamTranscode: a standard template ({@code lld}, {@code lsd}, {@code lhd}, {@code lud}). */
    public TranscodeBinding addStandard(String domain, String app, String template, boolean lazy) {
        TranscodeTemplate t = TranscodeTemplate.standard(template).orElseThrow(() -> ControlException.badRequest(
                "InvalidTemplate.Malformed", "Specified parameter Template is not valid: a standard template is one of "
                        + String.join(", ", TranscodeTemplate.STANDARD.keySet()) + " (use AddCustomLiveStreamTranscode "
                        + "for others), got: " + template));
        return add(domain, app, t, lazy);
    }

    /** AddCustomLiveStreamTranscode: a template checked by {@link TranscodeTemplate#custom}. */
    public TranscodeBinding addCustom(String domain, String app, TranscodeTemplate template, boolean lazy) {
        if (!template.custom()) {
            throw new IllegalArgumentException("not a custom template: " + template.name());
        }
        return add(domain, app, template, lazy);
    }

    private synchronized TranscodeBinding add(String domain, String app, TranscodeTemplate template, boolean lazy) {
        Domain d = playDomain(domain);
        String a = checkApp(app);
        List<TranscodeBinding> current = valid();
        if (current.stream().anyMatch(b -> b.playDomain().equals(d.name()) && b.app().equals(a)
                && b.templateName().equals(template.name()))) {
            throw ControlException.badRequest("ConfigAlreadyExists", "template " + template.name()
                    + " is already bound to " + d.name() + " app " + a + "; delete it first to change it");
        }
        if (current.stream().filter(b -> b.playDomain().equals(d.name())).count() >= MAX_BINDINGS_PER_DOMAIN) {
            throw ControlException.badRequest("QuotaExceeded.Transcode", d.name() + " already has "
                    + MAX_BINDINGS_PER_DOMAIN + " transcoding configurations, the most a domain may have");
        }
        TranscodeBinding b = new TranscodeBinding(d.name(), a, template, lazy, clock.instant());
        store.saveTranscodeBinding(b);
        List<TranscodeBinding> next = new ArrayList<>(current);
        next.add(b);
        bindings = List.copyOf(next);
        return b;
    }

    /** DeleteLiveStreamTranscode. */
    public synchronized void delete(String domain, String app, String template) {
        Domain d = playDomain(domain);
        String a = checkApp(app);
        List<TranscodeBinding> current = valid();
        TranscodeBinding found = current.stream().filter(b -> b.playDomain().equals(d.name()) && b.app().equals(a)
                && b.templateName().equalsIgnoreCase(template)).findFirst().orElseThrow(() ->
                ControlException.notFound("InvalidConfig.NotFound", "no template " + template + " is bound to "
                        + d.name() + " app " + a));
        store.deleteTranscodeBinding(d.name(), a, found.templateName());
        List<TranscodeBinding> next = new ArrayList<>(current);
        next.remove(found);
        bindings = List.copyOf(next);
    }

    /** DescribeLiveStreamTranscodeInfo: the bindings of a play domain (of one app when {@code app} is not null). */
    public List<TranscodeBinding> list(String domain, String app) {
        Domain d = playDomain(domain);
        return valid().stream().filter(b -> b.playDomain().equals(d.name()) && (app == null || b.app().equals(app)))
                .sorted(Comparator.comparing(TranscodeBinding::app).thenComparing(TranscodeBinding::templateName))
                .toList();
    }

    /**
     * The renditions a stream pushed to {@code pushDomain} under {@code app} gets, one per template name (when two
     * play domains bind the same name, the first by name wins). Reads memory only: fit for an event loop.
     */
    public List<TranscodeBinding> renditionsOf(String pushDomain, String app) {
        DomainCatalog.View view = domains.view();
        Map<String, TranscodeBinding> byTemplate = new LinkedHashMap<>();
        List<TranscodeBinding> all = valid(view);
        for (String play : view.playDomainsOf(pushDomain)) {
            List<TranscodeBinding> own = all.stream().filter(b -> b.playDomain().equals(play) && b.app().equals(app)).toList();
            List<TranscodeBinding> chosen = own.isEmpty() ? all.stream().filter(b -> b.playDomain().equals(play)
                    && b.app().equals(TranscodeBinding.ANY_APP)).toList() : own;
            chosen.stream().sorted(Comparator.comparing(TranscodeBinding::templateName))
                    .forEach(b -> byTemplate.putIfAbsent(b.templateName(), b));
        }
        return List.copyOf(byTemplate.values());
    }

    /** A rendition: the source stream it is made from and the binding that makes it. */
    public record Rendition(String sourceStream, TranscodeBinding binding) {
    }

    /**
     * Whether {@code stream} (pushed to {@code pushDomain} under {@code app}) names a rendition of a bound template,
     * {@code {source}_{template}}; template names hold no underscore, so only the last one can split it.
     */
    public Optional<Rendition> renditionNamed(String pushDomain, String app, String stream) {
        int cut = stream.lastIndexOf('_');
        if (cut <= 0 || cut == stream.length() - 1) {
            return Optional.empty();
        }
        String template = stream.substring(cut + 1);
        return renditionsOf(pushDomain, app).stream().filter(b -> b.templateName().equals(template)).findFirst()
                .map(b -> new Rendition(stream.substring(0, cut), b));
    }

    /** The push domain a domain name stands for: itself, or the push domain a play domain plays. */
    public String pushDomainOf(String name) {
        return domains.streamsDomainOf(name).orElseGet(() -> domains.get(name).name());
    }

    private Domain playDomain(String name) {
        if (name == null || name.isBlank()) {
            throw ControlException.badRequest("MissingParameter", "Domain is required");
        }
        Domain d = domains.get(name);
        if (d.type() != DomainType.PLAY) {
            throw ControlException.badRequest("InvalidDomain.TypeMismatch", d.name() + " is a push domain; the cloud "
                    + "binds transcoding to the streaming (play) domain that viewers use");
        }
        return d;
    }

    private static String checkApp(String app) {
        if (TranscodeBinding.ANY_APP.equals(app)) {
            return app;
        }
        return DomainNames.checkStreamPart("App", app);
    }

    private List<TranscodeBinding> valid() {
        return valid(domains.view());
    }

    /**
     * The bindings whose domain still exists as the one they were made for: the store deletes a domain's bindings
     * with it (foreign key), and a domain deleted and added again in the same run starts with none.
     */
    private List<TranscodeBinding> valid(DomainCatalog.View view) {
        List<TranscodeBinding> all = bindings;
        List<TranscodeBinding> out = new ArrayList<>(all.size());
        for (TranscodeBinding b : all) {
            Domain d = view.domain(b.playDomain());
            if (d != null && d.type() == DomainType.PLAY && !b.created().isBefore(truncated(d.created()))) {
                out.add(b);
            }
        }
        return out;
    }

    /** The store keeps milliseconds. */
    private static Instant truncated(Instant t) {
        return Instant.ofEpochMilli(t.toEpochMilli());
    }
}
