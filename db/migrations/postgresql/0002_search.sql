-- Full-text search the PostgreSQL way (SQLite: FTS5 in 0002). One index table per searched table, named as
-- SQLite's (articles_fts, stances_fts) and keyed by the row's rowid, so that the queries join them alike;
-- a trigger keeps each in step with every write, whatever code path makes it.
-- The text search configuration matches FTS5's tokenizer as closely as PostgreSQL allows: case- and
-- accent-insensitive (unaccent: "Ozturk" finds "Öztürk"), English stemming (Snowball's, where FTS5 has
-- Porter's: "coerce" finds "coercion" in both) and, like FTS5, no stop words: every word can be searched for.
-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH DICTIONARY archive_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION archive (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION archive
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, archive_stem;

-- The text as FTS5's unicode61 tokenizer reads it: words are runs of letters and digits, and every ASCII
-- punctuation character separates them. PostgreSQL's own parser would otherwise read "example.com" as one
-- host name, "e-mail" as a hyphenated word and "<b>" as an HTML tag it leaves out, so that a word FTS5
-- finds (example, mail, b) would not be found. Non-ASCII punctuation already separates words in both.
CREATE FUNCTION archive_search_text(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT translate(value, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', repeat(' ', 32))
$$;

-- Titles weigh A and bodies B, so that a title: column filter can be answered (tsquery's 'word':A).
CREATE TABLE articles_fts (
    rowid  bigint PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    search tsvector NOT NULL
);
CREATE INDEX ix_articles_fts_search ON articles_fts USING gin (search);

CREATE TABLE stances_fts (
    rowid  bigint PRIMARY KEY REFERENCES stances (rowid) ON DELETE CASCADE,
    search tsvector NOT NULL
);
CREATE INDEX ix_stances_fts_search ON stances_fts USING gin (search);

-- What each index holds for a row: the triggers below, and a bulk load that indexes everything at once (ArchiveCopy).
CREATE FUNCTION archive_article_search(title text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('archive', archive_search_text(title)), 'A') || setweight(to_tsvector('archive', archive_search_text(body)), 'B')
$$;
CREATE FUNCTION archive_stance_search(quote text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('archive', archive_search_text(quote))
$$;

CREATE FUNCTION archive_articles_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_fts (rowid, search) VALUES (NEW.rowid, archive_article_search(NEW.title, NEW.body))
    ON CONFLICT (rowid) DO UPDATE SET search = excluded.search;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles FOR EACH ROW EXECUTE FUNCTION archive_articles_fts();
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles FOR EACH ROW EXECUTE FUNCTION archive_articles_fts();

CREATE FUNCTION archive_stances_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stances_fts (rowid, search) VALUES (NEW.rowid, archive_stance_search(NEW.quote))
    ON CONFLICT (rowid) DO UPDATE SET search = excluded.search;
    RETURN NULL;
END $$;
CREATE TRIGGER stances_fts_insert AFTER INSERT ON stances FOR EACH ROW EXECUTE FUNCTION archive_stances_fts();
CREATE TRIGGER stances_fts_update AFTER UPDATE OF quote ON stances FOR EACH ROW EXECUTE FUNCTION archive_stances_fts();
