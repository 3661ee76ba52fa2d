package io.livecloud.control.domain;

import io.livecloud.control.ControlException;
import io.livecloud.control.store.ControlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Domains, their mappings and their URL auth: every rule of SPEC §1–2, persisted through a {@link ControlStore}.
 * Changes are serialised and written to the store first, then published as a new immutable {@link View}; the
 * media plane reads only the view (a volatile read, no lock, no database).
 */
public final class DomainCatalog {
    private static final Logger log = LoggerFactory.getLogger(DomainCatalog.class);
    private static final Set<String> SCOPES = Set.of("domestic", "overseas", "global");
    private static final Pattern AUTH_KEY = Pattern.compile("[0-9A-Za-z]{6,128}");
    /** The cloud's upper bound for {@code ali_auth_delta}: a year is more than any live URL needs. */
    private static final long MAX_VALIDITY_SECONDS = 365L * 24 * 3600;

    private final ControlStore store;
    private final ControlSettings settings;
    private final Clock clock;
    private volatile View view;

    /** What the catalog holds at one moment; never changes once published. */
    public record View(Map<String, Domain> domains, Map<String, String> pushDomainOfPlay) {
        public View {
            domains = Map.copyOf(domains);
            pushDomainOfPlay = Map.copyOf(pushDomainOfPlay);
        }

        public Domain domain(String name) {
            return domains.get(name);
        }

        public List<String> playDomainsOf(String push) {
            return pushDomainOfPlay.entrySet().stream().filter(e -> e.getValue().equals(push)).map(Map.Entry::getKey)
                    .sorted().toList();
        }
    }

    public DomainCatalog(ControlStore store, ControlSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        Map<String, Domain> domains = new LinkedHashMap<>();
        store.domains().forEach(d -> domains.put(d.name(), d));
        Map<String, String> mappings = new LinkedHashMap<>();
        store.mappings().forEach(m -> mappings.put(m.playDomain(), m.pushDomain()));
        this.view = new View(domains, mappings);
    }

    public ControlSettings settings() {
        return settings;
    }

    public View view() {
        return view;
    }

    /** AddLiveDomain. */
    public synchronized Domain add(String name, DomainType type, String region, String scope) {
        String n = DomainNames.checkDomain(name);
        if (type == null) {
            throw ControlException.badRequest("MissingParameter", "LiveDomainType is required (liveEdge or liveVideo)");
        }
        if (region == null || region.isBlank()) {
            throw ControlException.badRequest("MissingParameter", "Region (live center) is required");
        }
        if (!settings.liveCenters().contains(region)) {
            throw ControlException.badRequest("InvalidRegion.NotSupported",
                    "unknown live center " + region + "; this install serves " + String.join(", ", settings.liveCenters()));
        }
        String s = scope == null || scope.isBlank() ? "domestic" : scope;
        if (!SCOPES.contains(s)) {
            throw ControlException.badRequest("InvalidScope.Malformed", "Scope must be domestic, overseas or global, got: " + scope);
        }
        View v = view;
        Domain existing = v.domain(n);
        if (existing != null) {
            throw ControlException.badRequest("Domain.AlreadyExist", "domain " + n + " already exists (as a "
                    + (existing.type() == DomainType.PUSH ? "push" : "play") + " domain)");
        }
        if (v.domains().size() >= settings.domainQuota()) {
            throw ControlException.badRequest("QuotaExceeded.Domain", "at most " + settings.domainQuota()
                    + " domains per account; delete one or ask the operator to raise domains.quota");
        }
        Instant now = now();
        Domain d = new Domain(n, type, region, s, DomainStatus.ONLINE, n + "." + settings.cnameZone(),
                CnameStatus.PENDING, false, AuthConfig.newDefault(), now, now);
        store.saveDomain(d);
        publish(v, d);
        log.info("domain added: {} ({}, {}, {})", n, type.apiName(), region, s);
        return d;
    }

    /** DescribeLiveDomainDetail. */
    public Domain get(String name) {
        Domain d = view.domain(canonical(name));
        if (d == null) {
            throw ControlException.notFound("InvalidDomain.NotFound", "no such domain: " + name);
        }
        return d;
    }

    /** DescribeLiveUserDomains: oldest first. */
    public List<Domain> list() {
        return view.domains().values().stream().sorted(Comparator.comparing(Domain::created).thenComparing(Domain::name)).toList();
    }

    /** DeleteLiveDomain: a push domain still feeding play domains is refused; a play domain takes its mapping with it. */
    public synchronized void delete(String name) {
        Domain d = get(name);
        View v = view;
        List<String> fed = v.playDomainsOf(d.name());
        if (!fed.isEmpty()) {
            throw ControlException.badRequest("Domain.MappingExist", "push domain " + d.name()
                    + " still feeds play domain(s) " + String.join(", ", fed) + "; remove the mapping first");
        }
        store.deleteDomain(d.name());
        Map<String, Domain> domains = new LinkedHashMap<>(v.domains());
        domains.remove(d.name());
        Map<String, String> mappings = new LinkedHashMap<>(v.pushDomainOfPlay());
        mappings.remove(d.name());
        view = new View(domains, mappings);
        log.info("domain deleted: {}", d.name());
    }

    /** StopLiveDomain: new pushes and plays are refused; running sessions go on. */
    public synchronized Domain stop(String name) {
        return replace(get(name).withStatus(DomainStatus.OFFLINE, now()));
    }

    /** StartLiveDomain. */
    public synchronized Domain start(String name) {
        return replace(get(name).withStatus(DomainStatus.ONLINE, now()));
    }

    /** AddLiveDomainMapping: same live center, push → play, a play domain has one push domain. */
    public synchronized void map(String pushName, String playName) {
        Domain push = get(pushName);
        Domain play = get(playName);
        if (push.type() != DomainType.PUSH) {
            throw ControlException.badRequest("InvalidPushDomain.TypeMismatch", push.name() + " is not a push domain");
        }
        if (play.type() != DomainType.PLAY) {
            throw ControlException.badRequest("InvalidPullDomain.TypeMismatch", play.name() + " is not a play domain");
        }
        if (!push.region().equals(play.region())) {
            throw ControlException.badRequest("InvalidDomain.RegionMismatch", "push domain " + push.name() + " is in "
                    + push.region() + " and play domain " + play.name() + " in " + play.region()
                    + "; a mapping needs both in the same live center");
        }
        View v = view;
        String current = v.pushDomainOfPlay().get(play.name());
        if (push.name().equals(current)) {
            throw ControlException.badRequest("DomainMapping.AlreadyExist", play.name() + " is already mapped to " + current);
        }
        if (current != null) {
            throw ControlException.badRequest("DomainMapping.AlreadyExist", play.name() + " is already mapped to push domain "
                    + current + "; remove that mapping first");
        }
        store.saveMapping(new DomainMapping(push.name(), play.name()));
        Map<String, String> mappings = new LinkedHashMap<>(v.pushDomainOfPlay());
        mappings.put(play.name(), push.name());
        view = new View(v.domains(), mappings);
        log.info("domain mapping added: {} -> {}", push.name(), play.name());
    }

    /** DeleteLiveDomainMapping. */
    public synchronized void unmap(String pushName, String playName) {
        String push = canonical(pushName);
        String play = canonical(playName);
        View v = view;
        if (!push.equals(v.pushDomainOfPlay().get(play))) {
            throw ControlException.notFound("InvalidDomainMapping.NotFound", "no mapping " + push + " -> " + play);
        }
        store.deleteMapping(new DomainMapping(push, play));
        Map<String, String> mappings = new LinkedHashMap<>(v.pushDomainOfPlay());
        mappings.remove(play);
        view = new View(v.domains(), mappings);
        log.info("domain mapping removed: {} -> {}", push, play);
    }

    /** The push domain feeding a play domain, if any. */
    public Optional<String> pushDomainOf(String play) {
        return Optional.ofNullable(view.pushDomainOfPlay().get(canonical(play)));
    }

    /**
     * The push domain whose streams {@code name} addresses: a push domain itself, or the push domain a play domain
     * plays; empty for a play domain that plays none. (Stream management, transcoding, recording and snapshots all
     * take either side of a mapping.)
     */
    public Optional<String> streamsDomainOf(String name) {
        Domain d = get(name);
        return d.type() == DomainType.PUSH ? Optional.of(d.name()) : pushDomainOf(d.name());
    }

    /** DescribeLiveDomainMapping of either side: every mapping it is part of. */
    public List<DomainMapping> mappingsOf(String name) {
        Domain d = get(name);
        View v = view;
        List<DomainMapping> out = new ArrayList<>();
        if (d.type() == DomainType.PUSH) {
            v.playDomainsOf(d.name()).forEach(p -> out.add(new DomainMapping(d.name(), p)));
        } else if (v.pushDomainOfPlay().containsKey(d.name())) {
            out.add(new DomainMapping(v.pushDomainOfPlay().get(d.name()), d.name()));
        }
        return out;
    }

    /** The aliauth function: type A on/off, keys, validity. Keys are 6–128 letters and digits. */
    public synchronized Domain setAuth(String name, AuthConfig auth) {
        Domain d = get(name);
        if (auth.enabled() && auth.primaryKey().isEmpty()) {
            throw ControlException.badRequest("InvalidAuthKey.Malformed", "auth_key1 (primary key) is required for type A");
        }
        checkKey("auth_key1", auth.primaryKey());
        checkKey("auth_key2", auth.backupKey());
        if (auth.validitySeconds() < 1 || auth.validitySeconds() > MAX_VALIDITY_SECONDS) {
            throw ControlException.badRequest("InvalidAuthDelta.Malformed",
                    "ali_auth_delta must be 1-" + MAX_VALIDITY_SECONDS + " seconds, got: " + auth.validitySeconds());
        }
        return replace(d.withAuth(auth, now()));
    }

    private static void checkKey(String what, String key) {
        if (!key.isEmpty() && !AUTH_KEY.matcher(key).matches()) {
            throw ControlException.badRequest("InvalidAuthKey.Malformed", what + " must be 6-128 letters and digits");
        }
    }

    /** Streams unique by app + stream (on) or by stream name within the domain (off, the default). */
    public synchronized Domain setAppIsolation(String name, boolean on) {
        return replace(get(name).withAppIsolation(on, now()));
    }

    /** Called by the CNAME check when the user's DNS changes. Unknown (since deleted) domains are ignored. */
    public synchronized void setCnameStatus(String name, CnameStatus status) {
        Domain d = view.domain(name);
        if (d != null && d.cnameStatus() != status) {
            replace(d.withCnameStatus(status, now()));
            log.info("domain {} CNAME {} is now {}", name, d.cname(), status.apiName());
        }
    }

    /**
     * First start: with an empty store, the default push and play domains (where connections to an IP address or
     * {@code localhost} go), mapped, auth on. Returns true when it created them.
     */
    public synchronized boolean createDemoDomainsIfEmpty() {
        if (!view.domains().isEmpty()) {
            return false;
        }
        String region = settings.firstLiveCenter();
        add(settings.defaultPushDomain(), DomainType.PUSH, region, "domestic");
        add(settings.defaultPlayDomain(), DomainType.PLAY, region, "domestic");
        map(settings.defaultPushDomain(), settings.defaultPlayDomain());
        return true;
    }

    private Domain replace(Domain d) {
        store.saveDomain(d);
        publish(view, d);
        return d;
    }

    private void publish(View v, Domain d) {
        Map<String, Domain> domains = new LinkedHashMap<>(v.domains());
        domains.put(d.name(), d);
        view = new View(domains, v.pushDomainOfPlay());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String canonical(String name) {
        return DomainNames.canonical(name);
    }
}
