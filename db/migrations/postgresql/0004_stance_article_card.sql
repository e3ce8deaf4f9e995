-- As SQLite's 0010: a stance's article card (title, outlet, publication date) from the index alone
-- (an index-only scan once the table is vacuumed), instead of a visit to the article's row.
DROP INDEX ix_articles_dating;
CREATE INDEX ix_articles_card ON articles (id, outlet_id, published_precision, published_date, title, published_inferred, published_reasoning);
