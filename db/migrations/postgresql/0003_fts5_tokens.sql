-- Index the words FTS5 indexes, so that both providers match the same documents (SearchEquivalenceTests compares
-- every sampled word of the corpus, on each provider, with what FTS5 matches in a copy of the archive).
--
-- 1. Stem as FTS5 does. FTS5's porter tokenizer is Martin Porter's original algorithm; Snowball's "english", which 0002
--    chose, is his later Porter2, which stems some words otherwise ("clearly": clearli / clear, "generously": gener /
--    generous, "dying": dy / die). PostgreSQL's Snowball also has the original.
ALTER TEXT SEARCH DICTIONARY archive_stem (Language = porter);

-- 2. Separate words where FTS5's unicode61 tokenizer does. 0002 turned ASCII punctuation into spaces, but PostgreSQL's
--    parser reads every non-ASCII character as a letter, so "Russia’s" (a typographic apostrophe) was one word,
--    "russia’s", where FTS5 reads "russia" and "s", and "«Россия»" kept its quotation marks. Now the punctuation,
--    spaces and symbols of the Latin-1, General Punctuation, currency, arrows and technical, box and dingbat,
--    supplemental punctuation, CJK and fullwidth blocks, and the Armenian, Hebrew and Arabic punctuation marks,
--    separate words too. (The search query is split the same way: TsQuery.Words.)
CREATE OR REPLACE FUNCTION archive_search_text(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT regexp_replace(translate(value, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', repeat(' ', 32)),
        '[\u00A0-\u00A9\u00AB-\u00B1\u00B4\u00B6-\u00B8\u00BB-\u00BF\u00D7\u00F7\u055A-\u055F\u0589\u058A\u05BE\u05C0\u05C3\u05C6\u05F3\u05F4\u060C\u061B\u061F\u066A-\u066D\u2000-\u206F\u20A0-\u20CF\u2190-\u23FF\u2500-\u27BF\u2E00-\u2E7F\u3000-\u303F\uFE10-\uFE1F\uFE30-\uFE6F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]',
        ' ', 'g')
$$;

-- 3. Index every row again with both (the triggers call the same functions, so they need no change).
UPDATE articles_fts f SET search = archive_article_search(a.title, a.body) FROM articles a WHERE a.rowid = f.rowid;
UPDATE stances_fts f SET search = archive_stance_search(s.quote) FROM stances s WHERE s.rowid = f.rowid;
