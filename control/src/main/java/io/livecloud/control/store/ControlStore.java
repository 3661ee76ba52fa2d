package io.livecloud.control.store;

import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainMapping;

import java.util.List;
import java.util.Optional;

/**
 * Where the control plane keeps what must survive a restart. Called off the media path only (API requests,
 * start-up); the media plane answers from the in-memory view the catalog keeps. Every method is atomic.
 */
public interface ControlStore extends AutoCloseable {

    List<Domain> domains();

    List<DomainMapping> mappings();

    /** Inserts the domain, or replaces the stored one of the same name. */
    void saveDomain(Domain domain);

    /** Deletes the domain and every mapping it is part of. */
    void deleteDomain(String name);

    void saveMapping(DomainMapping mapping);

    void deleteMapping(DomainMapping mapping);

    /** A node-wide value (the admin AccessKey, …), empty when never set. */
    Optional<String> setting(String key);

    void saveSetting(String key, String value);

    @Override
    void close();
}
