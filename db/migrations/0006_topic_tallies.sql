-- Topic summaries read precomputed counts instead of counting a topic's stances on every request.
-- Counting one topic of a million-article archive took 64 ms of SQL and could not meet the 50 ms
-- p99 target under load (bench/RESULTS.md); reading its tallies takes well under a millisecond.
--
-- One row per (topic, dimension, group): how many of the topic's stances take each position.
--   dimension 'all'    group ''            every stance of the topic
--   dimension 'author' group author id     '' for the editorial voice of unsigned articles
--   dimension 'outlet' group outlet id     '' when the article's outlet is unknown
--   dimension 'month'  group yyyy-MM       '' when the article's date is unknown or known only to the year
-- Triggers keep the rows in step with every write, whatever code path makes it. A group whose
-- count falls to zero keeps its row with total 0; readers skip those.
CREATE TABLE topic_tallies (
    topic_id  TEXT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('all', 'author', 'outlet', 'month')),
    group_key TEXT NOT NULL,
    supports  INTEGER NOT NULL DEFAULT 0,
    opposes   INTEGER NOT NULL DEFAULT 0,
    mixed     INTEGER NOT NULL DEFAULT 0,
    neutral   INTEGER NOT NULL DEFAULT 0,
    -- The sum of the four, kept by the triggers rather than generated: SQLite does not read a generated
    -- column from an index, so counting a topic's 3,000 voices looked up every row (1.7 ms, not 0.3 ms).
    total     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, dimension, group_key)
) STRICT, WITHOUT ROWID;
-- The voices with most stances first: the summary lists the top ones without reading the rest.
CREATE INDEX ix_topic_tallies_rank ON topic_tallies (topic_id, dimension, total DESC, group_key);

-- The one definition of what the tallies count: the triggers below apply it row by row, and a
-- rebuild (this migration, the benchmark generator) or a consistency check reads it whole.
CREATE VIEW topic_tallies_recount AS
WITH stance_groups AS (
    SELECT s.topic_id, s.position, 'all' AS dimension, '' AS group_key FROM stances s
    UNION ALL
    SELECT s.topic_id, s.position, 'author', coalesce(s.author_id, '') FROM stances s
    UNION ALL
    SELECT s.topic_id, s.position, 'outlet', coalesce(a.outlet_id, '') FROM stances s JOIN articles a ON a.id = s.article_id
    UNION ALL
    SELECT s.topic_id, s.position, 'month',
           coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
    FROM stances s JOIN articles a ON a.id = s.article_id
)
SELECT topic_id, dimension, group_key,
       sum(position = 'supports') AS supports, sum(position = 'opposes') AS opposes,
       sum(position = 'mixed') AS mixed, sum(position = 'neutral') AS neutral, count(*) AS total
FROM stance_groups
GROUP BY topic_id, dimension, group_key;

INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies_recount;

-- A stance counts once in each dimension of its topic, under its position. `sign` is +1 when it
-- arrives and -1 when it leaves; an update is a leave followed by an arrival.
CREATE TRIGGER stances_tally_insert AFTER INSERT ON stances BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT NEW.topic_id, g.dimension, g.group_key,
           NEW.position = 'supports', NEW.position = 'opposes', NEW.position = 'mixed', NEW.position = 'neutral', 1
    FROM (SELECT 'all' AS dimension, '' AS group_key
          UNION ALL SELECT 'author', coalesce(NEW.author_id, '')
          UNION ALL SELECT 'outlet', coalesce(a.outlet_id, '') FROM articles a WHERE a.id = NEW.article_id
          UNION ALL SELECT 'month', coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
                    FROM articles a WHERE a.id = NEW.article_id) g
    WHERE true
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;

CREATE TRIGGER stances_tally_delete AFTER DELETE ON stances BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT OLD.topic_id, g.dimension, g.group_key,
           -(OLD.position = 'supports'), -(OLD.position = 'opposes'), -(OLD.position = 'mixed'), -(OLD.position = 'neutral'), -1
    FROM (SELECT 'all' AS dimension, '' AS group_key
          UNION ALL SELECT 'author', coalesce(OLD.author_id, '')
          UNION ALL SELECT 'outlet', coalesce(a.outlet_id, '') FROM articles a WHERE a.id = OLD.article_id
          UNION ALL SELECT 'month', coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
                    FROM articles a WHERE a.id = OLD.article_id) g
    WHERE true
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;

CREATE TRIGGER stances_tally_update AFTER UPDATE OF topic_id, article_id, author_id, position ON stances BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT c.topic_id, c.dimension, c.group_key,
           c.sign * (c.position = 'supports'), c.sign * (c.position = 'opposes'), c.sign * (c.position = 'mixed'), c.sign * (c.position = 'neutral'), c.sign
    FROM (SELECT -1 AS sign, OLD.topic_id AS topic_id, OLD.position AS position, 'all' AS dimension, '' AS group_key
          UNION ALL SELECT -1, OLD.topic_id, OLD.position, 'author', coalesce(OLD.author_id, '')
          UNION ALL SELECT -1, OLD.topic_id, OLD.position, 'outlet', coalesce(a.outlet_id, '') FROM articles a WHERE a.id = OLD.article_id
          UNION ALL SELECT -1, OLD.topic_id, OLD.position, 'month',
                           coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
                    FROM articles a WHERE a.id = OLD.article_id
          UNION ALL SELECT 1, NEW.topic_id, NEW.position, 'all', ''
          UNION ALL SELECT 1, NEW.topic_id, NEW.position, 'author', coalesce(NEW.author_id, '')
          UNION ALL SELECT 1, NEW.topic_id, NEW.position, 'outlet', coalesce(a.outlet_id, '') FROM articles a WHERE a.id = NEW.article_id
          UNION ALL SELECT 1, NEW.topic_id, NEW.position, 'month',
                           coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
                    FROM articles a WHERE a.id = NEW.article_id) c
    WHERE true
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;

-- An article's outlet and date place all its stances: when they change, its stances move from
-- the old outlet and month groups to the new ones.
CREATE TRIGGER articles_tally_update AFTER UPDATE OF outlet_id, published_date, published_precision ON articles BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT s.topic_id, g.dimension, g.group_key,
           sum(g.sign * (s.position = 'supports')), sum(g.sign * (s.position = 'opposes')),
           sum(g.sign * (s.position = 'mixed')), sum(g.sign * (s.position = 'neutral')), sum(g.sign)
    FROM stances s,
         (SELECT -1 AS sign, 'outlet' AS dimension, coalesce(OLD.outlet_id, '') AS group_key
          UNION ALL SELECT -1, 'month', coalesce(CASE WHEN OLD.published_precision IN ('day', 'month') THEN substr(OLD.published_date, 1, 7) END, '')
          UNION ALL SELECT 1, 'outlet', coalesce(NEW.outlet_id, '')
          UNION ALL SELECT 1, 'month', coalesce(CASE WHEN NEW.published_precision IN ('day', 'month') THEN substr(NEW.published_date, 1, 7) END, '')) g
    WHERE s.article_id = NEW.id
    GROUP BY s.topic_id, g.dimension, g.group_key
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;
