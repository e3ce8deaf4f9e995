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

-- The one definition of where a stance counts: one row per dimension, with its group. The recount,
-- the rebuild and every trigger below read it, so they cannot disagree.
-- The triggers read it one stance at a time (stance_id = …): an equality SQLite pushes into each arm
-- and answers from an index. (SQLite 3.40 does not push an IN (subquery) down: it scans every stance.)
CREATE VIEW stance_tally_groups AS
    SELECT s.id AS stance_id, s.topic_id, s.position, 'all' AS dimension, '' AS group_key FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'author', coalesce(s.author_id, '') FROM stances s
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'outlet', coalesce(a.outlet_id, '') FROM stances s JOIN articles a ON a.id = s.article_id
    UNION ALL
    SELECT s.id, s.topic_id, s.position, 'month',
           coalesce(CASE WHEN a.published_precision IN ('day', 'month') THEN substr(a.published_date, 1, 7) END, '')
    FROM stances s JOIN articles a ON a.id = s.article_id;

-- What the tallies must hold: the rebuild (this migration, the benchmark generator's bulk load) and
-- the tests' drift check read it whole.
CREATE VIEW topic_tallies_recount AS
SELECT topic_id, dimension, group_key,
       sum(position = 'supports') AS supports, sum(position = 'opposes') AS opposes,
       sum(position = 'mixed') AS mixed, sum(position = 'neutral') AS neutral, count(*) AS total
FROM stance_tally_groups
GROUP BY topic_id, dimension, group_key;

INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
SELECT topic_id, dimension, group_key, supports, opposes, mixed, neutral, total FROM topic_tallies_recount;

-- Every change to the tallies goes through here: inserting (sign, stance_id, placement_only) into this
-- view counts one stance out of its groups (sign -1) or into them (+1); all its groups, or only the
-- outlet and month its article places it in. The upsert is written once, for every trigger below.
CREATE VIEW tally_moves AS SELECT 0 AS sign, '' AS stance_id, 0 AS placement_only WHERE 0;

CREATE TRIGGER tally_moves_apply INSTEAD OF INSERT ON tally_moves BEGIN
    INSERT INTO topic_tallies (topic_id, dimension, group_key, supports, opposes, mixed, neutral, total)
    SELECT topic_id, dimension, group_key,
           NEW.sign * sum(position = 'supports'), NEW.sign * sum(position = 'opposes'),
           NEW.sign * sum(position = 'mixed'), NEW.sign * sum(position = 'neutral'), NEW.sign * count(*)
    FROM stance_tally_groups
    WHERE stance_id = NEW.stance_id AND (NOT NEW.placement_only OR dimension IN ('outlet', 'month'))
    GROUP BY topic_id, dimension, group_key
    ON CONFLICT DO UPDATE SET supports = supports + excluded.supports, opposes = opposes + excluded.opposes,
                              mixed = mixed + excluded.mixed, neutral = neutral + excluded.neutral,
                              total = total + excluded.total;
END;

-- A change moves stances between groups: they are counted out before it (BEFORE, while the old rows
-- are still there to read) and counted in after it.
CREATE TRIGGER stances_tally_insert AFTER INSERT ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) VALUES (1, NEW.id, 0);
END;

CREATE TRIGGER stances_tally_delete BEFORE DELETE ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) VALUES (-1, OLD.id, 0);
END;

CREATE TRIGGER stances_tally_update_out BEFORE UPDATE OF topic_id, article_id, author_id, position ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) VALUES (-1, OLD.id, 0);
END;

CREATE TRIGGER stances_tally_update_in AFTER UPDATE OF topic_id, article_id, author_id, position ON stances BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) VALUES (1, NEW.id, 0);
END;

-- An article's outlet and date place all its stances in the outlet and month dimensions.
CREATE TRIGGER articles_tally_update_out BEFORE UPDATE OF outlet_id, published_date, published_precision ON articles BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) SELECT -1, id, 1 FROM stances WHERE article_id = OLD.id;
END;

CREATE TRIGGER articles_tally_update_in AFTER UPDATE OF outlet_id, published_date, published_precision ON articles BEGIN
    INSERT INTO tally_moves (sign, stance_id, placement_only) SELECT 1, id, 1 FROM stances WHERE article_id = NEW.id;
END;
