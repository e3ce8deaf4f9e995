-- The archive on PostgreSQL: the same tables, columns (in the same order), constraints and indexes as
-- SQLite's schema 9 (db/migrations/0001…0009), so that one SQL text serves both providers and the
-- snapshot copies the same columns. Where SQLite and PostgreSQL differ, this file does what SQLite's does,
-- the PostgreSQL way:
--   * every text column is COLLATE "C": SQLite compares text by code point (BINARY), and so must every
--     sort, keyset seek and facet order here, whatever the database's own locale;
--   * INTEGER is bigint, which reads back as the same 64-bit number;
--   * articles and stances have a rowid (SQLite's implicit one): the full-text indexes name rows by it;
--   * triggers keep the revision counter, its time, the topic tallies and the full-text indexes in step
--     with every write, whatever code path makes it. Writers take turns (SqlDialect.BeginWrite holds one
--     advisory lock per write transaction), so the counters are never updated by two writers at once.

CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
);

CREATE TABLE outlets (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" CHECK (kind IN ('newspaper', 'magazine', 'broadcaster', 'news-site', 'news-agency', 'blog')),
    country     text COLLATE "C" CHECK (country IS NULL OR (length(country) = 2 AND country = upper(country))),
    url         text COLLATE "C",
    description text COLLATE "C"
);
CREATE INDEX ix_outlets_name    ON outlets (name, id);
CREATE INDEX ix_outlets_country ON outlets (country, name, id);
CREATE INDEX ix_outlets_kind    ON outlets (kind, name, id);

CREATE TABLE authors (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    affiliation text COLLATE "C",
    kind        text COLLATE "C" NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'institution', 'group', 'editorial')),
    outlet_id   text COLLATE "C" REFERENCES outlets (id) CHECK (outlet_id IS NULL OR kind = 'editorial')
);
CREATE INDEX ix_authors_name   ON authors (name, id);
CREATE INDEX ix_authors_kind   ON authors (kind, name, id);
CREATE INDEX ix_authors_outlet ON authors (outlet_id);

-- The last day of a month given as yyyy-MM (SQLite: date(month || '-01', '+1 month', '-1 day')). Written out
-- because a generated column needs an immutable expression, and date casts depend on DateStyle.
CREATE FUNCTION archive_month_end(month text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT month || '-' || CASE substr(month, 6, 2)
        WHEN '02' THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN '29' ELSE '28' END
        WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30'
        ELSE '31' END
    FROM (SELECT substr(month, 1, 4)::integer AS y) year
$$;

CREATE TABLE articles (
    id                  text COLLATE "C" PRIMARY KEY,
    title               text COLLATE "C" NOT NULL,
    genre               text COLLATE "C" NOT NULL CHECK (genre IN ('interview', 'analysis', 'opinion', 'news', 'column', 'editorial')),
    language            text COLLATE "C" NOT NULL,
    outlet_id           text COLLATE "C" REFERENCES outlets (id),
    url                 text COLLATE "C",
    published_date      text COLLATE "C",
    published_precision text COLLATE "C" CHECK (published_precision IN ('day', 'month', 'year')),
    published_inferred  bigint CHECK (published_inferred IN (0, 1)),
    published_reasoning text COLLATE "C",
    published_key       text COLLATE "C" NOT NULL GENERATED ALWAYS AS (coalesce(CASE published_precision
                            WHEN 'day'   THEN published_date
                            WHEN 'month' THEN published_date || '-01'
                            WHEN 'year'  THEN published_date || '-01-01' END, '')) STORED,
    published_end       text COLLATE "C" GENERATED ALWAYS AS (CASE published_precision
                            WHEN 'day'   THEN published_date
                            WHEN 'month' THEN archive_month_end(published_date)
                            WHEN 'year'  THEN published_date || '-12-31' END) STORED,
    republished_from_outlet_id text COLLATE "C" REFERENCES outlets (id),
    republished_from_url       text COLLATE "C",
    republished_note           text COLLATE "C",
    source_file         text COLLATE "C",
    source_sha256       text COLLATE "C",
    excerpt             text COLLATE "C" NOT NULL,
    body                text COLLATE "C" NOT NULL,
    republished_from_date      text COLLATE "C",
    republished_from_precision text COLLATE "C"
        CHECK ((republished_from_precision IS NULL) = (republished_from_date IS NULL)
               AND (republished_from_precision IS NULL OR republished_from_precision IN ('day', 'month', 'year'))),
    republished_from_inferred  bigint
        CHECK ((republished_from_inferred IS NULL) = (republished_from_date IS NULL) AND (republished_from_inferred IS NULL OR republished_from_inferred IN (0, 1))),
    republished_from_reasoning text COLLATE "C",
    capture_notes       text COLLATE "C" NOT NULL DEFAULT '[]' CHECK (json_typeof(capture_notes::json) = 'array'),
    rowid               bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    CHECK ((published_date IS NULL) = (published_precision IS NULL)),
    CHECK ((published_date IS NULL) = (published_inferred IS NULL))
);
CREATE INDEX ix_articles_published ON articles (published_key, id);
CREATE INDEX ix_articles_outlet    ON articles (outlet_id, published_key, id);
CREATE INDEX ix_articles_language  ON articles (language, published_key, id);
CREATE INDEX ix_articles_genre     ON articles (genre, published_key, id);
CREATE INDEX ix_articles_title     ON articles (title, id);
CREATE INDEX ix_articles_republished_from ON articles (republished_from_outlet_id);
CREATE INDEX ix_articles_dating    ON articles (id, outlet_id, published_precision, published_date);

CREATE TABLE credits (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  text COLLATE "C" NOT NULL REFERENCES authors (id),
    role       text COLLATE "C" NOT NULL CHECK (role IN ('author', 'interviewer', 'interviewee', 'translator', 'quoted')),
    ordinal    bigint NOT NULL,
    PRIMARY KEY (article_id, author_id, role)
);
CREATE INDEX ix_credits_author ON credits (author_id, article_id);

CREATE TABLE topics (
    id             text COLLATE "C" PRIMARY KEY,
    title          text COLLATE "C" NOT NULL,
    proposition    text COLLATE "C" NOT NULL,
    description    text COLLATE "C",
    time_dependent bigint CHECK (time_dependent IN (0, 1))
);
CREATE INDEX ix_topics_title ON topics (title, id);

CREATE TABLE stances (
    id          text COLLATE "C" PRIMARY KEY,
    topic_id    text COLLATE "C" NOT NULL REFERENCES topics (id),
    article_id  text COLLATE "C" NOT NULL REFERENCES articles (id),
    author_id   text COLLATE "C" REFERENCES authors (id),
    position    text COLLATE "C" NOT NULL CHECK (position IN ('supports', 'opposes', 'mixed', 'neutral')),
    quote       text COLLATE "C" NOT NULL,
    quote_start bigint NOT NULL CHECK (quote_start >= 0),
    quote_end   bigint NOT NULL,
    summary     text COLLATE "C" NOT NULL,
    condition   text COLLATE "C",
    attribution_kind text COLLATE "C" CHECK (attribution_kind IN ('own-words', 'quoted', 'reported', 'editorial')),
    attribution_via  text COLLATE "C" REFERENCES authors (id) CHECK (attribution_via IS NULL OR attribution_kind IN ('quoted', 'reported')),
    held_date        text COLLATE "C",
    held_precision   text COLLATE "C"
        CHECK ((held_precision IS NULL) = (held_date IS NULL) AND (held_precision IS NULL OR held_precision IN ('day', 'month', 'year'))),
    held_reasoning   text COLLATE "C",
    method           text COLLATE "C" CHECK (method IN ('curated', 'imported')),
    curator          text COLLATE "C",
    confidence       text COLLATE "C" CHECK (confidence IN ('high', 'medium', 'low')),
    note             text COLLATE "C",
    held_key         text COLLATE "C" NOT NULL GENERATED ALWAYS AS (coalesce(CASE held_precision
                        WHEN 'day'   THEN held_date
                        WHEN 'month' THEN held_date || '-01'
                        WHEN 'year'  THEN held_date || '-01-01' END, '')) STORED,
    held_end         text COLLATE "C" GENERATED ALWAYS AS (CASE held_precision
                        WHEN 'day'   THEN held_date
                        WHEN 'month' THEN archive_month_end(held_date)
                        WHEN 'year'  THEN held_date || '-12-31' END) STORED,
    conditional      text COLLATE "C" NOT NULL GENERATED ALWAYS AS (CASE WHEN condition IS NULL THEN 'false' ELSE 'true' END) STORED,
    rowid            bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    CHECK (quote_end > quote_start)
);
CREATE INDEX ix_stances_topic        ON stances (topic_id, id);
CREATE INDEX ix_stances_article      ON stances (article_id, id);
CREATE INDEX ix_stances_author       ON stances (author_id, id);
CREATE INDEX ix_stances_position     ON stances (position, id);
CREATE INDEX ix_stances_topic_author ON stances (topic_id, author_id, position);
CREATE INDEX ix_stances_topic_article ON stances (topic_id, article_id, position);
CREATE INDEX ix_stances_attribution  ON stances (attribution_kind, id);
CREATE INDEX ix_stances_via          ON stances (attribution_via, id);
CREATE INDEX ix_stances_held         ON stances (held_key, id);
CREATE INDEX ix_stances_method       ON stances (method, id);
CREATE INDEX ix_stances_curator      ON stances (curator, id);
CREATE INDEX ix_stances_confidence   ON stances (confidence, id);
CREATE INDEX ix_stances_conditional  ON stances (conditional, id);
CREATE INDEX ix_stances_topic_held   ON stances (topic_id, held_key, id);
CREATE INDEX ix_stances_author_held  ON stances (author_id, held_key, id);

-- Curators: keys (a hash of the secret only), the history of every write, remembered idempotent answers.
CREATE TABLE api_keys (
    id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE,
    secret_hash text COLLATE "C" NOT NULL UNIQUE,
    prefix      text COLLATE "C" NOT NULL,
    created_at  text COLLATE "C" NOT NULL,
    revoked_at  text COLLATE "C"
);

CREATE TABLE revisions (
    seq         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    collection  text COLLATE "C" NOT NULL,
    resource_id text COLLATE "C" NOT NULL,
    action      text COLLATE "C" NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    curator     text COLLATE "C" NOT NULL,
    at          text COLLATE "C" NOT NULL,
    before      text COLLATE "C",
    after       text COLLATE "C",
    note        text COLLATE "C"
);
CREATE INDEX ix_revisions_resource ON revisions (collection, resource_id, seq);

CREATE TABLE idempotency (
    key_id          bigint NOT NULL REFERENCES api_keys (id),
    idempotency_key text COLLATE "C" NOT NULL,
    request_hash    text COLLATE "C" NOT NULL,
    status          bigint NOT NULL,
    location        text COLLATE "C",
    etag            text COLLATE "C",
    body            text COLLATE "C" NOT NULL,
    created_at      text COLLATE "C" NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
);

-- The archive's revision and its time (SQLite 0003 and 0008): bumped once per changed row of any public
-- table, by the database, so no code path and no replica can write without moving it.
INSERT INTO meta (key, value) VALUES ('revision', '0'), ('revised_at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

CREATE FUNCTION archive_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'revision';
    UPDATE meta SET value = to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') WHERE key = 'revised_at';
    RETURN NULL;
END $$;

CREATE TRIGGER outlets_revision  AFTER INSERT OR UPDATE OR DELETE ON outlets  FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();
CREATE TRIGGER authors_revision  AFTER INSERT OR UPDATE OR DELETE ON authors  FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();
CREATE TRIGGER articles_revision AFTER INSERT OR UPDATE OR DELETE ON articles FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();
CREATE TRIGGER credits_revision  AFTER INSERT OR UPDATE OR DELETE ON credits  FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();
CREATE TRIGGER topics_revision   AFTER INSERT OR UPDATE OR DELETE ON topics   FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();
CREATE TRIGGER stances_revision  AFTER INSERT OR UPDATE OR DELETE ON stances  FOR EACH ROW EXECUTE FUNCTION archive_bump_revision();

-- Topic tallies (SQLite 0006 and 0007): per (topic, dimension, group), how many stances take each position.
CREATE TABLE topic_tallies (
    topic_id  text COLLATE "C" NOT NULL,
    dimension text COLLATE "C" NOT NULL CHECK (dimension IN ('all', 'author', 'outlet', 'month', 'held_year', 'held_month', 'voice_kind', 'attribution')),
    group_key text COLLATE "C" NOT NULL,
    supports  bigint NOT NULL DEFAULT 0,
    opposes   bigint NOT NULL DEFAULT 0,
    mixed     bigint NOT NULL DEFAULT 0,
    neutral   bigint NOT NULL DEFAULT 0,
    total     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, dimension, group_key)
);
CREATE INDEX ix_topic_tallies_rank ON topic_tallies (topic_id, dimension, total DESC, group_key);

-- The one definition of where a stance counts, as in SQLite's schema.
CREATE VIEW stance_tally_groups AS
    SELECT s.id AS stance_id, s.topic_id, s.position, 'all'::text COLLATE "C" AS dimension, ''::text COLLATE "C" AS group_key FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'author', coalesce(s.author_id, '') FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'outlet', coalesce(a.outlet_id, '') FROM stances s JOIN articles a ON a.id = s.article_id
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'month',
           coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
    FROM stances s JOIN articles a ON a.id = s.article_id
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'held_year', coalesce(substr(s.held_date, 1, 4), '') FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'held_month',
           coalesce(CASE WHEN s.held_precision IN ('day', 'month') THEN substr(s.held_date, 1, 7) END, '')
    FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'voice_kind', coalesce(au.kind, '') FROM stances s LEFT JOIN authors au ON au.id = s.author_id
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'attribution', coalesce(s.attribution_kind, '') FROM stances s;

CREATE VIEW topic_tallies_recount AS
SELECT topic_id, dimension, group_key,
       count(*) FILTER (WHERE position = 'supports') AS supports, count(*) FILTER (WHERE position = 'opposes') AS opposes,
       count(*) FILTER (WHERE position = 'mixed') AS mixed, count(*) FILTER (WHERE position = 'neutral') AS neutral, count(*) AS total
FROM stance_tally_groups
GROUP BY topic_id, dimension, group_key;

-- Counts one stance out of (-1) or into (+1) its groups: every dimension ('stance'), those its article places
-- it in ('article': outlet, month), or the one its voice's kind places it in ('voice').
CREATE FUNCTION archive_tally_move(sign integer, stance text, scope text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO topic_tallies AS t (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT topic_id, dimension, group_key,
           sign * count(*) FILTER (WHERE position = 'supports'), sign * count(*) FILTER (WHERE position = 'opposes'),
           sign * count(*) FILTER (WHERE position = 'mixed'), sign * count(*) FILTER (WHERE position = 'neutral'), sign * count(*)
    FROM stance_tally_groups
    WHERE stance_id = stance AND (scope = 'stance' OR (scope = 'article' AND dimension IN ('outlet', 'month')) OR (scope = 'voice' AND dimension = 'voice_kind'))
    GROUP BY topic_id, dimension, group_key
    ON CONFLICT (topic_id, dimension, group_key) DO UPDATE SET
        supports = t.supports + excluded.supports, opposes = t.opposes + excluded.opposes,
        mixed = t.mixed + excluded.mixed, neutral = t.neutral + excluded.neutral, total = t.total + excluded.total
$$;

-- BEFORE triggers count the old placement out while the row still holds it; AFTER triggers count the new one in.
CREATE FUNCTION archive_stance_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        IF TG_OP = 'DELETE' OR (OLD.topic_id, OLD.article_id, OLD.author_id, OLD.position, OLD.held_date, OLD.held_precision, OLD.attribution_kind)
                               IS DISTINCT FROM (NEW.topic_id, NEW.article_id, NEW.author_id, NEW.position, NEW.held_date, NEW.held_precision, NEW.attribution_kind) THEN
            PERFORM archive_tally_move(-1, OLD.id, 'stance');
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' OR (OLD.topic_id, OLD.article_id, OLD.author_id, OLD.position, OLD.held_date, OLD.held_precision, OLD.attribution_kind)
                           IS DISTINCT FROM (NEW.topic_id, NEW.article_id, NEW.author_id, NEW.position, NEW.held_date, NEW.held_precision, NEW.attribution_kind) THEN
        PERFORM archive_tally_move(1, NEW.id, 'stance');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stances_tally_out BEFORE UPDATE OR DELETE ON stances FOR EACH ROW EXECUTE FUNCTION archive_stance_tally();
CREATE TRIGGER stances_tally_in  AFTER INSERT OR UPDATE ON stances FOR EACH ROW EXECUTE FUNCTION archive_stance_tally();

CREATE FUNCTION archive_article_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.outlet_id, OLD.published_date, OLD.published_precision) IS NOT DISTINCT FROM (NEW.outlet_id, NEW.published_date, NEW.published_precision) THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM archive_tally_move(-1, s.id, 'article') FROM stances s WHERE s.article_id = OLD.id;
        RETURN NEW;
    END IF;
    PERFORM archive_tally_move(1, s.id, 'article') FROM stances s WHERE s.article_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_tally_out BEFORE UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION archive_article_tally();
CREATE TRIGGER articles_tally_in  AFTER UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION archive_article_tally();

CREATE FUNCTION archive_author_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.kind IS NOT DISTINCT FROM NEW.kind THEN
        RETURN CASE WHEN TG_WHEN = 'BEFORE' THEN NEW END;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM archive_tally_move(-1, s.id, 'voice') FROM stances s WHERE s.author_id = OLD.id;
        RETURN NEW;
    END IF;
    PERFORM archive_tally_move(1, s.id, 'voice') FROM stances s WHERE s.author_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER authors_tally_out BEFORE UPDATE ON authors FOR EACH ROW EXECUTE FUNCTION archive_author_tally();
CREATE TRIGGER authors_tally_in  AFTER UPDATE ON authors FOR EACH ROW EXECUTE FUNCTION archive_author_tally();

-- SQLite's "+column" (a unary plus that keeps SQLite's planner from using the column's index; see
-- StanceQueries.From) is written the same here, so the queries stay one text: for text it returns its operand.
CREATE FUNCTION archive_unary_plus(value text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT value';
CREATE OPERATOR + (RIGHTARG = text, FUNCTION = archive_unary_plus);

-- SQLite's date(value, modifier, modifier) as the tidy tables use it (the last day of a month:
-- date(month || '-01', '+1 month', '-1 day')): the modifiers are PostgreSQL intervals too.
CREATE FUNCTION date(value text, first text, second text) RETURNS text LANGUAGE sql STABLE STRICT AS $$
    SELECT to_char(value::date + first::interval + second::interval, 'YYYY-MM-DD')
$$;
