-- Each article's number of stances, kept in its row by triggers. Every page of articles shows it, and
-- counting it there took a seek into ix_stances_article per article: on the million-article archive a
-- random page of that index for each of the twenty, which was a third of a filtered page's database time
-- (bench/PERF.md). The row is read for the page anyway.
ALTER TABLE articles ADD COLUMN stance_count INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET stance_count = (SELECT count(*) FROM stances s WHERE s.article_id = articles.id)
WHERE id IN (SELECT article_id FROM stances);

CREATE TRIGGER stances_article_count_insert AFTER INSERT ON stances BEGIN
    UPDATE articles SET stance_count = stance_count + 1 WHERE id = NEW.article_id;
END;
CREATE TRIGGER stances_article_count_delete AFTER DELETE ON stances BEGIN
    UPDATE articles SET stance_count = stance_count - 1 WHERE id = OLD.article_id;
END;
CREATE TRIGGER stances_article_count_move AFTER UPDATE OF article_id ON stances WHEN NEW.article_id IS NOT OLD.article_id BEGIN
    UPDATE articles SET stance_count = stance_count - 1 WHERE id = OLD.article_id;
    UPDATE articles SET stance_count = stance_count + 1 WHERE id = NEW.article_id;
END;
