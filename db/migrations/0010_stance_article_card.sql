-- Every stance is listed with its article's card: title, outlet, publication date. Reached through
-- ix_articles_dating, each of those rows cost a second seek into the articles table, whose rows (the
-- opening of each body) fill a page for every three or four articles, so a page of twenty stances
-- read some twenty table pages besides the index. This index holds the card itself, so a stance's
-- article is one seek in a dense index (a topic's page of stances: bench/PERF.md). It starts with
-- the columns of ix_articles_dating, which it replaces for the topic summaries' counts.
DROP INDEX ix_articles_dating;
CREATE INDEX ix_articles_card ON articles (id, outlet_id, published_precision, published_date, title, published_inferred, published_reasoning);
-- Without statistics SQLite prefers the unique id index, which it knows returns one row, to this one,
-- which it cannot know does; what ANALYZE measures tells it. (For the index alone: quick, and the other
-- indexes keep the statistics they had, or their defaults.)
ANALYZE ix_articles_card;
