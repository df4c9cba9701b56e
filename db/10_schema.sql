-- Tables: one per record kind, plus link tables for lists. Filled by ctl/load.py from validated seeds;
-- every record table keeps the seed file and line it came from (file, line).

CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE sources (
    id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    outlet VARCHAR,
    title VARCHAR,
    byline VARCHAR,
    published_start DATE,
    published_end DATE,
    published_precision VARCHAR,
    url VARCHAR,
    publisher VARCHAR,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE source_cites (source_id VARCHAR NOT NULL, ord INTEGER NOT NULL, cited_id VARCHAR NOT NULL);

CREATE TABLE actors (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE actor_role_records (
    actor_id VARCHAR NOT NULL,
    ord INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    organisation VARCHAR,
    honorific VARCHAR,
    valid_from DATE,
    valid_to DATE,
    attested DATE[] NOT NULL,
    sources VARCHAR[] NOT NULL
);

CREATE TABLE groups (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    full_name VARCHAR,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);

CREATE TABLE regions (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    parent VARCHAR,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE region_members (region_id VARCHAR NOT NULL, member_id VARCHAR NOT NULL);

-- Every name and alias of actors, groups and regions with its normalised key (ctl/aliases.py):
-- filters compare `norm` with the normalised user text, so all spellings match.
CREATE TABLE aliases (
    entity_kind VARCHAR NOT NULL,  -- actor, group, region
    entity_id VARCHAR NOT NULL,
    alias VARCHAR NOT NULL,
    norm VARCHAR NOT NULL
);

CREATE TABLE events (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    date_start DATE NOT NULL,
    date_end DATE NOT NULL,
    precision VARCHAR NOT NULL,
    location VARCHAR,
    region VARCHAR,
    summary VARCHAR,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE event_actors (event_id VARCHAR NOT NULL, ord INTEGER NOT NULL, actor_id VARCHAR NOT NULL, role VARCHAR);
CREATE TABLE event_groups (event_id VARCHAR NOT NULL, ord INTEGER NOT NULL, group_id VARCHAR NOT NULL);
CREATE TABLE event_sources (event_id VARCHAR NOT NULL, ord INTEGER NOT NULL, source_id VARCHAR NOT NULL);

CREATE TABLE statistics (
    id VARCHAR PRIMARY KEY,
    publisher VARCHAR NOT NULL,
    report VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    period_precision VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    subgroup VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    qualifier VARCHAR NOT NULL,
    "of" VARCHAR,
    note VARCHAR,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE statistic_sources (statistic_id VARCHAR NOT NULL, ord INTEGER NOT NULL, source_id VARCHAR NOT NULL);
