namespace PerspectivesApi.Data;

/// <summary>The SQLite archive's two full-text indexes (db/migrations/0002_search.sql), as a bulk load leaves them.</summary>
public static class FullTextIndexes
{
    /// <summary>Indexes every article and stance afresh, then merges each index into one segment. A rebuild writes a
    /// segment whenever its memory fills (17 segments for a million articles), and every search then looks its terms up
    /// in each of them: merged, a rare word's ranked page cost 277 µs of SQL instead of 414, and the syntax check 9 µs
    /// instead of 32 (bench/PERF.md). Writes afterwards add small segments that FTS5's automerge folds in.</summary>
    public const string Rebuild = """
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        INSERT INTO articles_fts (articles_fts) VALUES ('optimize');
        INSERT INTO stances_fts (stances_fts) VALUES ('rebuild');
        INSERT INTO stances_fts (stances_fts) VALUES ('optimize');
        """;
}
