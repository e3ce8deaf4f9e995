-- As SQLite's 0011: each article's number of stances, kept in its row by a trigger, so that a page of
-- articles reads it from the rows it reads anyway instead of counting each article's stances.
ALTER TABLE articles ADD COLUMN stance_count bigint NOT NULL DEFAULT 0;
UPDATE articles a SET stance_count = c.n
FROM (SELECT article_id, count(*) AS n FROM stances GROUP BY article_id) c
WHERE c.article_id = a.id;

CREATE FUNCTION archive_count_article_stances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.article_id IS NOT DISTINCT FROM OLD.article_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE articles SET stance_count = stance_count - 1 WHERE id = OLD.article_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE articles SET stance_count = stance_count + 1 WHERE id = NEW.article_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER stances_article_count AFTER INSERT OR DELETE OR UPDATE OF article_id ON stances
    FOR EACH ROW EXECUTE FUNCTION archive_count_article_stances();
