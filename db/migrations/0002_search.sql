-- Full-text search over article titles and bodies and over stance quotes. The FTS5 tables are
-- external-content indexes of the real tables and are kept in sync by the database itself
-- (triggers), so no code path can write a row the search does not see.
-- Tokenizer: Unicode-aware, case- and diacritic-insensitive ("Ozturk" finds "Öztürk"), with
-- Porter stemming so that "coerce" also finds "coercion".

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    content = 'articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

CREATE VIRTUAL TABLE stances_fts USING fts5(
    quote,
    content = 'stances', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2');

CREATE TRIGGER stances_fts_insert AFTER INSERT ON stances BEGIN
    INSERT INTO stances_fts (rowid, quote) VALUES (new.rowid, new.quote);
END;
CREATE TRIGGER stances_fts_delete AFTER DELETE ON stances BEGIN
    INSERT INTO stances_fts (stances_fts, rowid, quote) VALUES ('delete', old.rowid, old.quote);
END;
CREATE TRIGGER stances_fts_update AFTER UPDATE OF quote ON stances BEGIN
    INSERT INTO stances_fts (stances_fts, rowid, quote) VALUES ('delete', old.rowid, old.quote);
    INSERT INTO stances_fts (rowid, quote) VALUES (new.rowid, new.quote);
END;

-- Index what is already there.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO stances_fts (stances_fts) VALUES ('rebuild');
