-- When the archive last changed: the time of its latest revision (0003), kept by the database beside the
-- number, so that every download can say Last-Modified and answer If-Modified-Since (curl -z) whatever
-- code path or process wrote. UTC, ISO 8601 with milliseconds, like revisions.at.
-- An archive that existed before this migration gets the migration's time: later than its last change,
-- which at worst makes a client download once more, never keep a copy that is out of date.
INSERT OR IGNORE INTO meta (key, value) VALUES ('revised_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TRIGGER meta_revised_at AFTER UPDATE OF value ON meta WHEN NEW.key = 'revision' BEGIN
    UPDATE meta SET value = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE key = 'revised_at';
END;
