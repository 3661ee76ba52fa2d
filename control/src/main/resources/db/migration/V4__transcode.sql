-- Transcoding (SPEC §5): the templates bound to a play ("main streaming") domain and an app, as the cloud binds them
-- (AddLiveStreamTranscode, AddCustomLiveStreamTranscode). A standard template (lld, lsd, lhd, lud) stores only its
-- name; a custom one stores its parameters too (custom = TRUE). Portable H2 2.x / PostgreSQL, as V1.
CREATE TABLE transcode_bindings (
    play_domain      VARCHAR(255) NOT NULL,
    app_name         VARCHAR(256) NOT NULL,
    template         VARCHAR(64)  NOT NULL,
    lazy_start       BOOLEAN      NOT NULL,
    custom           BOOLEAN      NOT NULL,
    width            INTEGER      NOT NULL,
    height           INTEGER      NOT NULL,
    fps              INTEGER      NOT NULL,
    video_kbps       INTEGER      NOT NULL,
    gop_frames       INTEGER      NOT NULL,
    video_profile    VARCHAR(16)  NOT NULL,
    audio_codec      VARCHAR(16)  NOT NULL,
    audio_kbps       INTEGER      NOT NULL,
    audio_rate       INTEGER      NOT NULL,
    audio_channels   INTEGER      NOT NULL,
    created_ms       BIGINT       NOT NULL,
    CONSTRAINT pk_transcode_bindings PRIMARY KEY (play_domain, app_name, template),
    CONSTRAINT fk_transcode_bindings_domain FOREIGN KEY (play_domain) REFERENCES domains (name) ON DELETE CASCADE
);
