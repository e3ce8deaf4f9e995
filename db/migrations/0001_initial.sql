-- The archive's first schema: outlets, authors, articles with their credits, topics and stances.
-- Tables are STRICT so a wrong type is an error, not a silent conversion; every filter and sort
-- of the v1 API has an index below (tests/…/QueryPlanTests proves the plans use them).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE outlets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT CHECK (kind IN ('newspaper', 'magazine', 'broadcaster', 'news-site', 'news-agency', 'blog')),
    country     TEXT CHECK (country IS NULL OR (length(country) = 2 AND country = upper(country))),
    url         TEXT,
    description TEXT
) STRICT;
CREATE INDEX ix_outlets_name    ON outlets (name, id);
CREATE INDEX ix_outlets_country ON outlets (country, name, id);
CREATE INDEX ix_outlets_kind    ON outlets (kind, name, id);

CREATE TABLE authors (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    affiliation TEXT
) STRICT;
CREATE INDEX ix_authors_name ON authors (name, id);

CREATE TABLE articles (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    genre               TEXT NOT NULL CHECK (genre IN ('interview', 'analysis', 'opinion', 'news', 'column', 'editorial')),
    language            TEXT NOT NULL,
    outlet_id           TEXT REFERENCES outlets (id),
    url                 TEXT,
    -- The publication date at the precision the evidence supports ('2025-07-04', '2025-07', '2025'),
    -- or NULL when unknown; inferred = 1 when it was read from the content rather than stated.
    published_date      TEXT,
    published_precision TEXT CHECK (published_precision IN ('day', 'month', 'year')),
    published_inferred  INTEGER CHECK (published_inferred IN (0, 1)),
    published_reasoning TEXT,
    -- The first and last day the publication may fall on, derived by the database so they can
    -- never disagree with the date above. published_key is '' when the date is unknown, which
    -- keeps the keyset sort total (unknown dates sort first ascending, last descending).
    published_key       TEXT NOT NULL GENERATED ALWAYS AS (coalesce(CASE published_precision
                            WHEN 'day'   THEN published_date
                            WHEN 'month' THEN published_date || '-01'
                            WHEN 'year'  THEN published_date || '-01-01' END, '')) STORED,
    published_end       TEXT GENERATED ALWAYS AS (CASE published_precision
                            WHEN 'day'   THEN published_date
                            WHEN 'month' THEN date(published_date || '-01', '+1 month', '-1 day')
                            WHEN 'year'  THEN published_date || '-12-31' END) STORED,
    republished_from_outlet_id TEXT REFERENCES outlets (id),
    republished_from_url       TEXT,
    republished_note           TEXT,
    source_file         TEXT,
    source_sha256       TEXT,
    excerpt             TEXT NOT NULL,
    body                TEXT NOT NULL,
    CHECK ((published_date IS NULL) = (published_precision IS NULL)),
    CHECK ((published_date IS NULL) = (published_inferred IS NULL))
) STRICT;
CREATE INDEX ix_articles_published ON articles (published_key, id);
CREATE INDEX ix_articles_outlet    ON articles (outlet_id, published_key, id);
CREATE INDEX ix_articles_language  ON articles (language, published_key, id);
CREATE INDEX ix_articles_genre     ON articles (genre, published_key, id);
CREATE INDEX ix_articles_title     ON articles (title, id);
CREATE INDEX ix_articles_republished_from ON articles (republished_from_outlet_id);

CREATE TABLE credits (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL REFERENCES authors (id),
    role       TEXT NOT NULL CHECK (role IN ('author', 'interviewer', 'interviewee', 'translator', 'quoted')),
    ordinal    INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX ix_credits_author ON credits (author_id, article_id);

CREATE TABLE topics (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    proposition TEXT NOT NULL,
    description TEXT
) STRICT;
CREATE INDEX ix_topics_title ON topics (title, id);

CREATE TABLE stances (
    id          TEXT PRIMARY KEY,
    topic_id    TEXT NOT NULL REFERENCES topics (id),
    article_id  TEXT NOT NULL REFERENCES articles (id),
    -- NULL when the stance is the unsigned article's own editorial voice.
    author_id   TEXT REFERENCES authors (id),
    position    TEXT NOT NULL CHECK (position IN ('supports', 'opposes', 'mixed', 'neutral')),
    quote       TEXT NOT NULL,
    -- Offsets of the quote in the article body, in Unicode code points, end exclusive.
    quote_start INTEGER NOT NULL CHECK (quote_start >= 0),
    quote_end   INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    CHECK (quote_end > quote_start)
) STRICT;
CREATE INDEX ix_stances_topic    ON stances (topic_id, id);
CREATE INDEX ix_stances_article  ON stances (article_id, id);
CREATE INDEX ix_stances_author   ON stances (author_id, id);
CREATE INDEX ix_stances_position ON stances (position, id);
