package io.livecloud.api;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The {@code SignatureNonce}s seen, each kept until its request's timestamp leaves the accepted window (so a replay
 * is refused for as long as its timestamp would still be accepted, and not a moment longer). Memory is bounded by
 * that time and by {@code capacity}: when full of live nonces, new requests are turned away (throttled) rather than
 * letting a replay through.
 */
final class NonceCache {
    private final int capacity;
    private final Map<String, Long> expiryByNonce = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>();

    private record Entry(long expiresAtMillis, String key) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            return Long.compare(expiresAtMillis, o.expiresAtMillis);
        }
    }

    enum Outcome { FRESH, USED, FULL }

    NonceCache(int capacity) {
        this.capacity = capacity;
    }

    /** Records the nonce unless it is still remembered; {@code key} should include the AccessKey id. */
    synchronized Outcome use(String key, long expiresAtMillis, long nowMillis) {
        evict(nowMillis);
        if (expiryByNonce.containsKey(key)) {
            return Outcome.USED;
        }
        if (expiryByNonce.size() >= capacity) {
            return Outcome.FULL;
        }
        expiryByNonce.put(key, expiresAtMillis);
        byExpiry.add(new Entry(expiresAtMillis, key));
        return Outcome.FRESH;
    }

    synchronized int size() {
        return expiryByNonce.size();
    }

    synchronized int evictExpired(long nowMillis) {
        int before = expiryByNonce.size();
        evict(nowMillis);
        return before - expiryByNonce.size();
    }

    private void evict(long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis() < nowMillis) {
            expiryByNonce.remove(byExpiry.poll().key());
        }
    }

}
