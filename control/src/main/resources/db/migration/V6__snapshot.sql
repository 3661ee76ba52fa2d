-- Snapshots (SPEC §5): the configurations (AddLiveAppSnapshotConfig), kept under the push domain the streams live
-- under, and the index of the snapshots stored (DescribeLiveStreamSnapshotInfo): one row per object, so the
-- overwrite object of a stream is one row updated at every shot. Portable H2 2.x / PostgreSQL, as V1.
CREATE TABLE snapshot_configs (
    push_domain      VARCHAR(255)  NOT NULL,
    app_name         VARCHAR(256)  NOT NULL,
    interval_seconds INTEGER       NOT NULL,
    oss_endpoint     VARCHAR(255)  NOT NULL,
    oss_bucket       VARCHAR(255)  NOT NULL,
    overwrite_object VARCHAR(255)  NOT NULL,
    sequence_object  VARCHAR(255)  NOT NULL,
    created_ms       BIGINT        NOT NULL,
    modified_ms      BIGINT        NOT NULL,
    CONSTRAINT pk_snapshot_configs PRIMARY KEY (push_domain, app_name),
    CONSTRAINT fk_snapshot_configs_domain FOREIGN KEY (push_domain) REFERENCES domains (name) ON DELETE CASCADE
);

-- No foreign key: the objects outlive a deleted configuration or domain, and so does their index (pruned by age).
CREATE TABLE snapshot_shots (
    push_domain      VARCHAR(255)  NOT NULL,
    app_name         VARCHAR(256)  NOT NULL,
    stream_name      VARCHAR(256)  NOT NULL,
    oss_endpoint     VARCHAR(255)  NOT NULL,
    oss_bucket       VARCHAR(255)  NOT NULL,
    oss_object       VARCHAR(1024) NOT NULL,
    is_overwrite     BOOLEAN       NOT NULL,
    width            INTEGER       NOT NULL,
    height           INTEGER       NOT NULL,
    url              VARCHAR(2048) NOT NULL,
    stream_ms        BIGINT        NOT NULL,
    created_ms       BIGINT        NOT NULL,
    CONSTRAINT pk_snapshot_shots PRIMARY KEY (push_domain, app_name, stream_name, oss_bucket, oss_object)
);
CREATE INDEX ix_snapshot_shots_time ON snapshot_shots (push_domain, app_name, stream_name, created_ms);
CREATE INDEX ix_snapshot_shots_created ON snapshot_shots (created_ms);
