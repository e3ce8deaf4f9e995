-- Voices, attribution, time and how each stance was read (issue 12). Every column is added beside
-- what is there; nothing curated is rewritten. Where the new fields can be derived from what the
-- archive already records, they are; where they cannot, they stay NULL, which means "not recorded
-- (written before schema 7)", never a guess. The definitions of every value are in
-- src/PerspectivesApi/Data/Vocabulary.cs and in the contract.

-- Voices. Until schema 7 the contract defined an author as a person, so existing rows are persons.
-- An editorial voice may name its outlet.
ALTER TABLE authors ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'institution', 'group', 'editorial'));
ALTER TABLE authors ADD COLUMN outlet_id TEXT REFERENCES outlets (id)
    CHECK (outlet_id IS NULL OR kind = 'editorial');
CREATE INDEX ix_authors_kind ON authors (kind, name, id);
CREATE INDEX ix_authors_outlet ON authors (outlet_id);

-- Topics whose answer can change with time (present-tense claims about relations, influence, aims):
-- their stances are compared within one period. NULL: not stated yet.
ALTER TABLE topics ADD COLUMN time_dependent INTEGER CHECK (time_dependent IN (0, 1));

-- Articles: when the original of a republished piece appeared (its own date, at its own precision),
-- and anomalies of the capture kept verbatim in the body: a JSON array of
-- {kind, start, end, text, note}, offsets in code points like a quote's.
ALTER TABLE articles ADD COLUMN republished_from_date TEXT;
ALTER TABLE articles ADD COLUMN republished_from_precision TEXT
    CHECK ((republished_from_precision IS NULL) = (republished_from_date IS NULL)
           AND (republished_from_precision IS NULL OR republished_from_precision IN ('day', 'month', 'year')));
ALTER TABLE articles ADD COLUMN republished_from_inferred INTEGER
    CHECK ((republished_from_inferred IS NULL) = (republished_from_date IS NULL) AND (republished_from_inferred IS NULL OR republished_from_inferred IN (0, 1)));
ALTER TABLE articles ADD COLUMN republished_from_reasoning TEXT;
ALTER TABLE articles ADD COLUMN capture_notes TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(capture_notes) AND json_type(capture_notes) = 'array');

-- Credits: the role 'quoted' stays allowed for the credits that have it (nothing is dropped), but the
-- vocabulary marks it deprecated and new writes refuse it: who is quoted is said by a stance's attribution.

-- Stances.
--   condition        the condition a conditional position holds under ("would lead to…"), or NULL
--   attribution_*    how the words reach us (own-words, quoted, reported, editorial) and through whom
--   held_*           when the piece attests the voice holding the position, at its precision
--   method, curator  how the stance was read, and by whom (a curator key's name, or seed-corpus)
--   confidence, note how sure the reading is, and why when it is debatable
ALTER TABLE stances ADD COLUMN condition TEXT;
ALTER TABLE stances ADD COLUMN attribution_kind TEXT
    CHECK (attribution_kind IN ('own-words', 'quoted', 'reported', 'editorial'));
ALTER TABLE stances ADD COLUMN attribution_via TEXT REFERENCES authors (id)
    CHECK (attribution_via IS NULL OR attribution_kind IN ('quoted', 'reported'));
ALTER TABLE stances ADD COLUMN held_date TEXT;
ALTER TABLE stances ADD COLUMN held_precision TEXT
    CHECK ((held_precision IS NULL) = (held_date IS NULL) AND (held_precision IS NULL OR held_precision IN ('day', 'month', 'year')));
ALTER TABLE stances ADD COLUMN held_reasoning TEXT;
ALTER TABLE stances ADD COLUMN method TEXT CHECK (method IN ('curated', 'imported'));
ALTER TABLE stances ADD COLUMN curator TEXT;
ALTER TABLE stances ADD COLUMN confidence TEXT CHECK (confidence IN ('high', 'medium', 'low'));
ALTER TABLE stances ADD COLUMN note TEXT;
-- The first and last day the position may have been held on, as for an article's publication date:
-- held_key is '' when unknown, which keeps the keyset sort total.
ALTER TABLE stances ADD COLUMN held_key TEXT GENERATED ALWAYS AS (coalesce(CASE held_precision
    WHEN 'day'   THEN held_date
    WHEN 'month' THEN held_date || '-01'
    WHEN 'year'  THEN held_date || '-01-01' END, '')) VIRTUAL;
ALTER TABLE stances ADD COLUMN held_end TEXT GENERATED ALWAYS AS (CASE held_precision
    WHEN 'day'   THEN held_date
    WHEN 'month' THEN date(held_date || '-01', '+1 month', '-1 day')
    WHEN 'year'  THEN held_date || '-12-31' END) VIRTUAL;
ALTER TABLE stances ADD COLUMN conditional TEXT GENERATED ALWAYS AS (CASE WHEN condition IS NULL THEN 'false' ELSE 'true' END) VIRTUAL;

-- Every new filter of GET /v1/stances is answered through one of these (tests/…/QueryPlanTests).
CREATE INDEX ix_stances_attribution ON stances (attribution_kind, id);
CREATE INDEX ix_stances_via         ON stances (attribution_via, id);
CREATE INDEX ix_stances_held        ON stances (held_key, id);
CREATE INDEX ix_stances_method      ON stances (method, id);
CREATE INDEX ix_stances_curator     ON stances (curator, id);
CREATE INDEX ix_stances_confidence  ON stances (confidence, id);
CREATE INDEX ix_stances_conditional ON stances (conditional, id);

-- What existing stances already say, written into the new fields.
-- Time: the article's date at its precision (NULL when the article's date is unknown).
UPDATE stances SET (held_date, held_precision) =
    (SELECT a.published_date, a.published_precision FROM articles a WHERE a.id = stances.article_id);
-- Attribution: a NULL voice was documented as the unsigned article's editorial voice; a voice credited
-- as the article's author, interviewer or interviewee speaks in its own words; a voice credited as
-- 'quoted' is quoted (through whom was never recorded: via stays NULL). Anything else: NULL.
UPDATE stances SET attribution_kind = CASE
    WHEN author_id IS NULL THEN 'editorial'
    WHEN EXISTS (SELECT 1 FROM credits c WHERE c.article_id = stances.article_id AND c.author_id = stances.author_id
                 AND c.role IN ('author', 'interviewer', 'interviewee')) THEN 'own-words'
    WHEN EXISTS (SELECT 1 FROM credits c WHERE c.article_id = stances.article_id AND c.author_id = stances.author_id
                 AND c.role = 'quoted') THEN 'quoted'
END;
-- Method and curator: from the revision that created the stance (a bulk import is 'imported', the seed
-- corpus and the stance routes are 'curated'); NULL for a stance no revision records.
UPDATE stances SET (method, curator) =
    (SELECT CASE WHEN r.note = 'import' THEN 'imported' ELSE 'curated' END, r.curator
     FROM revisions r WHERE r.collection = 'stances' AND r.resource_id = stances.id AND r.action = 'create'
     ORDER BY r.seq LIMIT 1);
-- Confidence and note: never recorded before, so NULL.

-- Topic summaries group by time held, voice kind and attribution too. The tallies table is rebuilt
-- with the new dimensions; every definition below replaces the one of 0006 and keeps its shape.
--   dimension 'held_year'   group yyyy       '' when the time held is unknown
--   dimension 'held_month'  group yyyy-MM    '' when unknown or known only to the year
--   dimension 'voice_kind'  group the kind   '' for a stance with no voice (written before schema 7)
--   dimension 'attribution' group the kind   '' when not recorded
DROP TRIGGER tally_moves_apply;
DROP TRIGGER stances_tally_insert;
DROP TRIGGER stances_tally_delete;
DROP TRIGGER stances_tally_update_out;
DROP TRIGGER stances_tally_update_in;
DROP TRIGGER articles_tally_update_out;
DROP TRIGGER articles_tally_update_in;
DROP VIEW tally_moves;
DROP VIEW topic_tallies_recount;
DROP VIEW stance_tally_groups;
DROP TABLE topic_tallies;

CREATE TABLE topic_tallies (
    topic_id  TEXT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('all', 'author', 'outlet', 'month', 'held_year', 'held_month', 'voice_kind', 'attribution')),
    group_key TEXT NOT NULL,
    supports  INTEGER NOT NULL DEFAULT 0,
    opposes   INTEGER NOT NULL DEFAULT 0,
    mixed     INTEGER NOT NULL DEFAULT 0,
    neutral   INTEGER NOT NULL DEFAULT 0,
    total     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, dimension, group_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX ix_topic_tallies_rank ON topic_tallies (topic_id, dimension, total DESC, group_key);

CREATE VIEW stance_tally_groups AS
    SELECT s.id AS stance_id, s.topic_id, s.position, 'all' AS dimension, '' AS group_key FROM stances s
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
       sum(position = 'supports') AS supports, sum(position = 'opposes') AS opposes,
       sum(position = 'mixed') AS mixed, sum(position = 'neutral') AS neutral, count(*) AS total
FROM stance_tally_groups
GROUP BY topic_id, dimension, group_key;

INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies_recount;

-- Inserting (sign, stance_id, scope) counts one stance out of (-1) or into (+1) its groups: every
-- dimension ('stance'), those its article places it in ('article': outlet, month), or the one its
-- voice's kind places it in ('voice').
CREATE VIEW tally_moves AS SELECT 0 AS sign, '' AS stance_id, '' AS scope WHERE 0;

CREATE TRIGGER tally_moves_apply INSTEAD OF INSERT ON tally_moves BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT topic_id, dimension, group_key,
           NEW.sign * sum(position = 'supports'), NEW.sign * sum(position = 'opposes'),
           NEW.sign * sum(position = 'mixed'), NEW.sign * sum(position = 'neutral'), NEW.sign * count(*)
    FROM stance_tally_groups
    WHERE stance_id = NEW.stance_id AND (NEW.scope = 'stance' OR (NEW.scope = 'article' AND dimension IN ('outlet', 'month')) OR (NEW.scope = 'voice' AND dimension = 'voice_kind'))
    GROUP BY topic_id, dimension, group_key
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;

CREATE TRIGGER stances_tally_insert AFTER INSERT ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) VALUES (1, NEW.id, 'stance');
END;

CREATE TRIGGER stances_tally_delete BEFORE DELETE ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) VALUES (-1, OLD.id, 'stance');
END;

CREATE TRIGGER stances_tally_update_out BEFORE UPDATE OF topic_id, article_id, author_id, position, held_date, held_precision, attribution_kind ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) VALUES (-1, OLD.id, 'stance');
END;

CREATE TRIGGER stances_tally_update_in AFTER UPDATE OF topic_id, article_id, author_id, position, held_date, held_precision, attribution_kind ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) VALUES (1, NEW.id, 'stance');
END;

CREATE TRIGGER articles_tally_update_out BEFORE UPDATE OF outlet_id, published_date, published_precision ON articles BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) SELECT -1, id, 'article' FROM stances WHERE article_id = OLD.id;
END;

CREATE TRIGGER articles_tally_update_in AFTER UPDATE OF outlet_id, published_date, published_precision ON articles BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) SELECT 1, id, 'article' FROM stances WHERE article_id = NEW.id;
END;

-- A voice's kind places all its stances in the voice-kind dimension.
CREATE TRIGGER authors_tally_update_out BEFORE UPDATE OF kind ON authors BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) SELECT -1, id, 'voice' FROM stances WHERE author_id = OLD.id;
END;

CREATE TRIGGER authors_tally_update_in AFTER UPDATE OF kind ON authors BEGIN
    INSERT INTO tally_moves (sign, stance_id, scope) SELECT 1, id, 'voice' FROM stances WHERE author_id = NEW.id;
END;
