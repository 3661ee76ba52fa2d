package io.livecloud.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.control.ControlException;
import io.livecloud.control.domain.CnameStatus;
import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainCatalog;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Ours: {@code CheckLiveDomainCname} — the console's "check now" of a domain's CNAME, run by the node's CNAME poller
 * (on its own thread, queued behind a round in progress) instead of waiting for the next round. Answers the status
 * after the check, as DescribeLiveDomainDetail would.
 */
final class CnameActions {
    /** A DNS lookup has its own timeouts; this bounds the wait behind a round that is checking many domains. */
    static final long WAIT_SECONDS = 20;

    private CnameActions() {
    }

    static void register(Map<String, LiveActions.Action> actions, DomainCatalog catalog,
                         Function<Domain, CompletableFuture<CnameStatus>> checkNow) {
        actions.put("CheckLiveDomainCname", (p, out) -> {
            Domain d = catalog.get(p.required("DomainName"));
            CnameStatus status = await(checkNow.apply(d));
            out.put("DomainName", d.name());
            out.put("Cname", d.cname());
            out.put("CnameStatus", status.apiName());
        });
    }

    private static CnameStatus await(CompletableFuture<CnameStatus> check) {
        try {
            return check.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            check.cancel(false);
            throw new ControlException(503, "ServiceUnavailable", "The CNAME check did not finish within "
                    + WAIT_SECONDS + " s (the DNS is slow or a check round is busy); try again later.");
        } catch (CancellationException e) {
            throw new ControlException(503, "ServiceUnavailable", "The CNAME check was cancelled: the node is stopping.");
        } catch (ExecutionException e) {
            throw new ControlException(503, "ServiceUnavailable", "The CNAME check failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(503, "ServiceUnavailable", "The CNAME check was interrupted.");
        }
    }
}
