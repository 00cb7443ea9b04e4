-- Warehouse tables. Raw ID numbers never enter: a member is keyed by HMAC-SHA256 of the normalised ID number.
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE TABLE core.county (
    county_code text PRIMARY KEY CHECK (county_code ~ '^\d{6}$'),
    county_name text NOT NULL
);

CREATE TABLE audit.run (
    run_id              text PRIMARY KEY,
    as_of               date NOT NULL,
    started_at          timestamptz NOT NULL DEFAULT now(),
    merged_at           timestamptz,
    status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'merged')),
    lost_contact_months integer
);

CREATE TABLE audit.file (
    file_id       bigserial PRIMARY KEY,
    run_id        text NOT NULL REFERENCES audit.run ON DELETE CASCADE,
    county_code   text NOT NULL,
    file_name     text NOT NULL,
    source_path   text NOT NULL,
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes    bigint NOT NULL,
    modified_at   timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL CHECK (status IN ('staged', 'loaded', 'duplicate', 'rejected', 'abandoned')),
    rows_read     integer NOT NULL DEFAULT 0,
    rows_loaded   integer NOT NULL DEFAULT 0,
    rows_rejected integer NOT NULL DEFAULT 0,
    error         text,
    duplicate_of  bigint REFERENCES audit.file,
    archived_to   text,
    feedback_path text
);
-- One content can be loaded once, ever: the guarantee behind "nothing doubled".
CREATE UNIQUE INDEX file_loaded_once ON audit.file (sha256) WHERE status = 'loaded';
CREATE INDEX file_by_run ON audit.file (run_id, county_code);

CREATE TABLE audit.file_problem (
    file_id      bigint NOT NULL REFERENCES audit.file ON DELETE CASCADE,
    source_row   integer,
    member_name  text,
    column_name  text,
    value_masked text,
    code         text NOT NULL,
    severity     text NOT NULL CHECK (severity IN ('error', 'warning')),
    message_zh   text NOT NULL,
    message_en   text NOT NULL
);
CREATE INDEX file_problem_by_file ON audit.file_problem (file_id);

CREATE TABLE audit.ignored_entry (
    run_id      text NOT NULL REFERENCES audit.run ON DELETE CASCADE,
    county_code text,
    name        text NOT NULL,
    reason      text NOT NULL
);

CREATE TABLE audit.validation_result (
    run_id             text NOT NULL REFERENCES audit.run ON DELETE CASCADE,
    file_id            bigint NOT NULL REFERENCES audit.file ON DELETE CASCADE,
    expectation        text NOT NULL,
    column_name        text,
    severity           text NOT NULL CHECK (severity IN ('hard', 'soft', 'table')),
    success            boolean NOT NULL,
    element_count      integer,
    unexpected_count   integer,
    unexpected_percent numeric
);

-- Rows of this run's accepted roster rows, waiting for the merge. No raw ID number: key, mask, birth date.
CREATE TABLE staging.roster_row (
    run_id                text NOT NULL,
    file_id               bigint NOT NULL,
    county_code           text NOT NULL,
    branch                text NOT NULL,
    source_row            integer NOT NULL,
    member_key            text NOT NULL,
    id_masked             text NOT NULL,
    birth_date            date,
    name                  text NOT NULL,
    gender                text,
    outflow_date          date,
    destination           text,
    destination_city      text,
    destination_city_code text,
    in_gba                boolean,
    gba_committee         text,
    phone                 text,
    phone_valid           boolean NOT NULL,
    phone_national        text,
    industry              text,
    last_contact_date     date,
    contact_status        text,
    status_lost           boolean NOT NULL
);
CREATE INDEX roster_row_by_run ON staging.roster_row (run_id, file_id);

CREATE TABLE core.member (
    member_key       text PRIMARY KEY CHECK (member_key ~ '^[0-9a-f]{64}$'),
    id_number_masked text NOT NULL,
    birth_date       date,
    first_seen_on    date NOT NULL
);

-- One row per version of a member's facts on one branch's roster (type 2): valid_to is null while current.
CREATE TABLE core.roster_version (
    version_id            bigserial PRIMARY KEY,
    member_key            text NOT NULL REFERENCES core.member,
    county_code           text NOT NULL,
    branch                text NOT NULL,
    name                  text NOT NULL,
    gender                text,
    outflow_date          date,
    destination           text,
    destination_city      text,
    destination_city_code text,
    in_gba                boolean,
    gba_committee         text,
    phone                 text,
    phone_valid           boolean NOT NULL,
    phone_national        text,
    industry              text,
    last_contact_date     date,
    contact_status        text,
    status_lost           boolean NOT NULL,
    facts_hash            text NOT NULL,
    valid_from            date NOT NULL,
    valid_to              date,
    source_file_id        bigint REFERENCES audit.file,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX roster_version_current ON core.roster_version (member_key, county_code, branch)
    WHERE valid_to IS NULL;
CREATE INDEX roster_version_current_branch ON core.roster_version (county_code, branch) WHERE valid_to IS NULL;
CREATE INDEX roster_version_member ON core.roster_version (member_key);

CREATE TABLE core.member_flag (
    flag_id     bigserial PRIMARY KEY,
    member_key  text NOT NULL REFERENCES core.member,
    county_code text NOT NULL,
    branch      text NOT NULL,
    flag        text NOT NULL CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact',
                                              'missing_industry', 'lost_contact', 'duplicate_enrollment')),
    raised_on   date NOT NULL,
    closed_on   date,
    detail      text,
    CHECK (closed_on IS NULL OR closed_on >= raised_on)
);
CREATE UNIQUE INDEX member_flag_open ON core.member_flag (member_key, county_code, branch, flag)
    WHERE closed_on IS NULL;

-- First 3 and last 4 digits of a national phone number: 138****8000.
CREATE FUNCTION core.mask_phone(national_number text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN national_number IS NULL OR national_number = '' THEN NULL
        WHEN length(national_number) <= 7 THEN repeat('*', length(national_number))
        ELSE left(national_number, 3) || repeat('*', length(national_number) - 7) || right(national_number, 4)
    END
$$;
