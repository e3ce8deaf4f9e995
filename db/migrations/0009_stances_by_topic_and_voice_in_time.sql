-- The explorer lists a question's stances, and a voice's, latest held first (sort=-held on
-- /v1/topics/{id}/stances and /v1/authors/{id}/stances, which its pages are made from). With only
-- (topic_id, id) and (held_key, id), SQLite read every stance of the topic and sorted them for each
-- page: 10,000 rows for a page of 20 on a topic of the million-article archive. These indexes serve
-- the filter and the order at once, so a page is one seek, page 500 as cheap as page 1.
CREATE INDEX ix_stances_topic_held ON stances (topic_id, held_key, id);
CREATE INDEX ix_stances_author_held ON stances (author_id, held_key, id);
