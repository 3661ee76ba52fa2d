-- Stream management (SPEC §6): the block list of ForbidLiveStream and the history of publish sessions.
-- Portable H2 2.x / PostgreSQL, as V1: epoch milliseconds, no column named after a keyword of either.

-- A forbidden stream of a push domain: new pushes are refused until ResumeLiveStream, or until resume_ms when set.
CREATE TABLE blocked_streams (
    push_domain VARCHAR(255) NOT NULL,
    app_name    VARCHAR(256) NOT NULL,
    stream_name VARCHAR(256) NOT NULL,
    resume_ms   BIGINT,
    created_ms  BIGINT       NOT NULL,
    CONSTRAINT pk_blocked_streams PRIMARY KEY (push_domain, app_name, stream_name)
);

-- One publish session: written when it starts (stop_ms NULL while live), completed when it ends, pruned after the
-- retention period. session_id is unique per node run ("{run}-{session number}").
CREATE TABLE publish_sessions (
    session_id  VARCHAR(64)   NOT NULL,
    push_domain VARCHAR(255)  NOT NULL,
    app_name    VARCHAR(256)  NOT NULL,
    stream_name VARCHAR(256)  NOT NULL,
    protocol    VARCHAR(16)   NOT NULL,
    client_addr VARCHAR(64)   NOT NULL,
    node_addr   VARCHAR(255)  NOT NULL,
    publish_url VARCHAR(4096) NOT NULL,
    start_ms    BIGINT        NOT NULL,
    stop_ms     BIGINT,
    stop_reason VARCHAR(512),
    bytes_in    BIGINT        NOT NULL,
    CONSTRAINT pk_publish_sessions PRIMARY KEY (session_id)
);

CREATE INDEX ix_publish_sessions_domain_start ON publish_sessions (push_domain, start_ms);
CREATE INDEX ix_publish_sessions_start ON publish_sessions (start_ms);
