-- A revision number for the whole archive, bumped by the database on every write to any table,
-- so that a snapshot's ETag can be known without reading the snapshot (and can never miss a
-- write made by any code path).
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', '0');

CREATE TRIGGER outlets_revision_insert AFTER INSERT ON outlets BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER outlets_revision_update AFTER UPDATE ON outlets BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER outlets_revision_delete AFTER DELETE ON outlets BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER authors_revision_insert AFTER INSERT ON authors BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER authors_revision_update AFTER UPDATE ON authors BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER authors_revision_delete AFTER DELETE ON authors BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER articles_revision_insert AFTER INSERT ON articles BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER articles_revision_update AFTER UPDATE ON articles BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER articles_revision_delete AFTER DELETE ON articles BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER credits_revision_insert AFTER INSERT ON credits BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER credits_revision_update AFTER UPDATE ON credits BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER credits_revision_delete AFTER DELETE ON credits BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER topics_revision_insert AFTER INSERT ON topics BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER topics_revision_update AFTER UPDATE ON topics BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER topics_revision_delete AFTER DELETE ON topics BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER stances_revision_insert AFTER INSERT ON stances BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER stances_revision_update AFTER UPDATE ON stances BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
CREATE TRIGGER stances_revision_delete AFTER DELETE ON stances BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision';
END;
