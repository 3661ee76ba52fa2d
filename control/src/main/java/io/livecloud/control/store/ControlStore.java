package io.livecloud.control.store;

import io.livecloud.control.domain.Domain;
import io.livecloud.control.domain.DomainMapping;
import io.livecloud.control.snapshot.SnapshotConfig;
import io.livecloud.control.snapshot.SnapshotShot;
import io.livecloud.control.stream.BlockedStream;
import io.livecloud.control.stats.StatsBucket;
import io.livecloud.control.stream.PublishRecord;
import io.livecloud.control.transcode.TranscodeBinding;

import java.time.Instant;
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

    /** The block list (ForbidLiveStream), every entry, expired ones included. */
    List<BlockedStream> blockedStreams();

    /** Inserts the entry, or replaces the one of the same domain, app and stream. */
    void saveBlockedStream(BlockedStream blocked);

    void deleteBlockedStream(String domain, String app, String stream);

    /** Inserts the publish session, or replaces the one of the same id (its end). */
    void savePublishSession(PublishRecord session);

    /**
     * The publish sessions of {@code domain} that were live at some time in {@code [from, to]}: started at or before
     * {@code to} and not stopped before {@code from}. Unordered.
     */
    List<PublishRecord> publishSessions(String domain, Instant from, Instant to);

    /** Deletes the sessions that started before {@code cutoff}; returns how many. */
    int deletePublishSessionsBefore(Instant cutoff);

    /**
     * Ends every session of node {@code node} still marked live (it stopped without ending them) at {@code at} with
     * {@code reason}; returns how many.
     */
    int endOpenPublishSessions(String node, Instant at, String reason);

    /**
     * Adds each bucket's bytes to the stored bucket of the same key (creating it when absent) and raises its peak
     * players to the given one if that is higher; all or nothing.
     */
    void addStatsBuckets(List<StatsBucket> deltas);

    /** The buckets of {@code bucketSeconds} of {@code domain} that start in {@code [from, to)}. Unordered. */
    List<StatsBucket> statsBuckets(int bucketSeconds, String domain, Instant from, Instant to);

    /** Deletes the buckets of {@code bucketSeconds} that start before {@code cutoff}; returns how many. */
    int deleteStatsBucketsBefore(int bucketSeconds, Instant cutoff);

    /** Every transcoding template bound to a play domain and app. */
    List<TranscodeBinding> transcodeBindings();

    /** Inserts the binding (its domain, app and template name are not bound yet). */
    void saveTranscodeBinding(TranscodeBinding binding);

    void deleteTranscodeBinding(String playDomain, String app, String template);

    /** Every snapshot configuration. */
    List<SnapshotConfig> snapshotConfigs();

    /** Inserts the configuration, or replaces the one of the same domain and app. */
    void saveSnapshotConfig(SnapshotConfig config);

    void deleteSnapshotConfig(String domain, String app);

    /** Indexes a stored snapshot, or replaces the row of the same stream, bucket and object (an overwrite). */
    void saveSnapshot(SnapshotShot shot);

    /**
     * The snapshots of one stream taken in {@code [from, to)}, oldest first (newest first when {@code newestFirst}),
     * at most {@code limit}.
     */
    List<SnapshotShot> snapshots(String domain, String app, String stream, Instant from, Instant to, int limit,
                                 boolean newestFirst);

    /** Keeps the newest {@code keep} rows of a stream and deletes the others; returns how many went. */
    int trimSnapshots(String domain, String app, String stream, int keep);

    /** Deletes the rows of snapshots taken before {@code cutoff}; returns how many. */
    int deleteSnapshotsBefore(Instant cutoff);

    /** Every recording configuration, its formats in the order given. */
    List<io.livecloud.control.record.RecordConfig> recordConfigs();

    /** Inserts the configuration (its domain, app and stream have none yet) with its formats. */
    void saveRecordConfig(io.livecloud.control.record.RecordConfig config);

    void deleteRecordConfig(String domain, String app, String stream);

    /** Indexes a finished recording file (its record id is new). */
    void saveRecordFile(io.livecloud.control.record.RecordFile file);

    /** The files of a stream that overlap {@code [from, to)}, by start time. */
    List<io.livecloud.control.record.RecordFile> recordFiles(String domain, String app, String stream, Instant from,
                                                             Instant to);

    @Override
    void close();
}
