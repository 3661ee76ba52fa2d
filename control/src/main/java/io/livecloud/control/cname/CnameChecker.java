package io.livecloud.control.cname;

import io.livecloud.control.domain.CnameStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks whether the user's DNS points a domain at its assigned CNAME ({@code <domain>.<cname-zone>}).
 *
 * <p>The check is a real DNS lookup: an {@code A} query for the domain, sent to the system resolver (the servers
 * of {@code /etc/resolv.conf}, as dnsjava reads them) or to a configured one. The domain is
 * {@link CnameStatus#CONFIGURED configured} when its CNAME chain reaches the expected name (compared
 * case-insensitively, a trailing dot ignored). A recursive resolver usually returns the whole chain in one answer;
 * when an answer stops at a CNAME whose target it does not resolve (an authoritative server answering for its own
 * zone only), the target is queried in turn, up to {@value #MAX_HOPS} hops. Anything else is
 * {@link CnameStatus#PENDING pending}: NXDOMAIN, no CNAME, a CNAME that leads elsewhere, only address records,
 * SERVFAIL/REFUSED, a timeout, a loop, a name that does not parse.
 *
 * <p>{@link #check} never throws for DNS failures (they are logged at debug) and <b>blocks</b> for up to the
 * timeout per query it sends; callers run it off event loops (the {@link CnamePoller} runs it on its own thread).
 * No cache: every check asks again, so a record the user just added is seen as soon as their resolver sees it.
 * Thread-safe.
 */
public final class CnameChecker {
    private static final Logger log = LoggerFactory.getLogger(CnameChecker.class);

    /** The longest CNAME chain followed. */
    public static final int MAX_HOPS = 8;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    /**
     * The outcome of one check.
     *
     * @param status the CNAME status
     * @param chain  the CNAME targets followed from the domain, in order, without trailing dots
     * @param detail why, for logs and the API ({@code "CNAME reaches x"}, {@code "NXDOMAIN for y"}, …)
     * @param dnsFailure no answer came (timeout, SERVFAIL, REFUSED, a network error): pending because the DNS could
     *                   not be asked, not because it said no
     */
    public record Result(CnameStatus status, List<String> chain, String detail, boolean dnsFailure) {
        public Result {
            chain = List.copyOf(chain);
        }

        public Result(CnameStatus status, List<String> chain, String detail) {
            this(status, chain, detail, false);
        }

        public boolean configured() {
            return status == CnameStatus.CONFIGURED;
        }
    }

    private final Resolver resolver;
    private final Duration timeout;
    private final String resolverDescription;

    /** The system resolver, {@link #DEFAULT_TIMEOUT}. */
    public CnameChecker() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param resolverAddress {@code null} for the system resolver (dnsjava's default configuration, read from
     *                        {@code /etc/resolv.conf}); else {@code host:port}, {@code host} (port 53),
     *                        {@code [v6addr]:port} or a bare IPv6 address
     * @param timeout         per DNS query; {@code null} for {@link #DEFAULT_TIMEOUT}
     * @throws IllegalArgumentException if the address does not parse or its host does not resolve
     */
    public CnameChecker(String resolverAddress, Duration timeout) {
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (this.timeout.isNegative() || this.timeout.isZero()) {
            throw new IllegalArgumentException("CNAME check timeout must be positive: " + timeout);
        }
        if (resolverAddress == null || resolverAddress.isBlank()) {
            ExtendedResolver r = new ExtendedResolver();
            r.setTimeout(this.timeout);
            this.resolver = r;
            this.resolverDescription = "system resolver";
        } else {
            InetSocketAddress address = parseAddress(resolverAddress.trim());
            SimpleResolver r = new SimpleResolver(address);
            r.setTimeout(this.timeout);
            this.resolver = r;
            this.resolverDescription = resolverAddress.trim();
        }
    }

    static InetSocketAddress parseAddress(String s) {
        String host;
        int port = SimpleResolver.DEFAULT_PORT;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("bad resolver address: " + s);
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("bad resolver address: " + s);
                }
                port = parsePort(rest.substring(1), s);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon == s.lastIndexOf(':')) {
                host = s.substring(0, colon);
                port = parsePort(s.substring(colon + 1), s);
            } else {
                host = s; // a name, an IPv4 address, or a bare IPv6 address
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad resolver address: " + s);
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("resolver host does not resolve: " + s);
        }
        return a;
    }

    private static int parsePort(String p, String whole) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad resolver port: " + whole);
        }
    }

    public Duration timeout() {
        return timeout;
    }

    /** Blocking; see the class comment. Never throws for DNS failures. */
    public CnameStatus check(String domainName, String expectedCname) {
        return checkDetailed(domainName, expectedCname).status();
    }

    /** {@link #check}, with the chain followed and the reason. Blocking; never throws for DNS failures. */
    public Result checkDetailed(String domainName, String expectedCname) {
        Objects.requireNonNull(domainName, "domainName");
        Objects.requireNonNull(expectedCname, "expectedCname");
        Result r = doCheck(domainName, expectedCname);
        log.debug("CNAME check of {} (expect {}) via {}: {} ({})", domainName, expectedCname, resolverDescription,
                r.status().apiName(), r.detail());
        return r;
    }

    private Result doCheck(String domainName, String expectedCname) {
        Name start;
        Name expected;
        try {
            start = toName(domainName);
            expected = toName(expectedCname);
        } catch (TextParseException | IllegalArgumentException e) {
            return pending(List.of(), "name does not parse: " + e.getMessage());
        }
        List<String> chain = new ArrayList<>();
        Set<Name> seen = new HashSet<>();
        seen.add(start);
        Name current = start;
        while (true) {
            Message response;
            try {
                response = query(current);
            } catch (TimeoutException e) {
                return failed(chain, "no answer for " + text(current) + " within " + timeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pending(chain, "interrupted while querying " + text(current));
            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                return failed(chain, "query for " + text(current) + " failed: " + cause);
            }
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return failed(chain, Rcode.string(rcode) + " for " + text(current));
            }
            // Follow the chain as far as this answer goes; only records owned by the name being followed count.
            List<Record> answer = response.getSection(Section.ANSWER);
            boolean progressed = false;
            CNAMERecord next;
            while ((next = cnameOf(answer, current)) != null) {
                Name target = next.getTarget();
                chain.add(text(target));
                if (target.equals(expected)) { // Name.equals ignores case
                    return new Result(CnameStatus.CONFIGURED, chain, "CNAME reaches " + text(expected));
                }
                if (chain.size() >= MAX_HOPS) {
                    return pending(chain, "CNAME chain longer than " + MAX_HOPS + " without reaching "
                            + text(expected));
                }
                if (!seen.add(target)) {
                    return pending(chain, "CNAME loop at " + text(target));
                }
                current = target;
                progressed = true;
            }
            if (!progressed) {
                if (rcode == Rcode.NXDOMAIN) {
                    return pending(chain, "NXDOMAIN for " + text(current));
                }
                return pending(chain, (hasRecordsFor(answer, current) ? "no CNAME (other records) for "
                        : "no CNAME for ") + text(current));
            }
            if (rcode == Rcode.NXDOMAIN) {
                return pending(chain, "CNAME leads to " + text(current) + ", which does not exist");
            }
            if (hasRecordsFor(answer, current)) {
                return pending(chain, "CNAME leads to " + text(current) + ", not " + text(expected));
            }
            // The answer stopped at a CNAME target it did not resolve: ask about the target itself.
        }
    }

    private Message query(Name name) throws Exception {
        Message q = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
        CompletableFuture<Message> f = resolver.sendAsync(q).toCompletableFuture();
        try {
            // The resolver enforces the timeout itself; the margin only guards against a resolver that does not.
            return f.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof java.net.SocketTimeoutException || c instanceof TimeoutException) {
                throw new TimeoutException(c.getMessage());
            }
            throw e;
        }
    }

    private static CNAMERecord cnameOf(List<Record> answer, Name owner) {
        for (Record r : answer) {
            if (r instanceof CNAMERecord c && r.getDClass() == DClass.IN && r.getName().equals(owner)) {
                return c;
            }
        }
        return null;
    }

    private static boolean hasRecordsFor(List<Record> answer, Name owner) {
        for (Record r : answer) {
            if (r.getType() != Type.CNAME && r.getName().equals(owner)) {
                return true;
            }
        }
        return false;
    }

    private static Name toName(String s) throws TextParseException {
        String t = s.trim();
        if (t.isEmpty() || t.equals(".")) {
            throw new TextParseException("empty name");
        }
        return Name.fromString(t, Name.root); // absolute whether or not it ends with a dot
    }

    private static String text(Name n) {
        return n.toString(true);
    }

    private static Result pending(List<String> chain, String detail) {
        return new Result(CnameStatus.PENDING, chain, detail);
    }

    private static Result failed(List<String> chain, String detail) {
        return new Result(CnameStatus.PENDING, chain, detail, true);
    }

    @Override
    public String toString() {
        return "CnameChecker[" + resolverDescription + ", timeout " + timeout.toMillis() + " ms]";
    }
}
