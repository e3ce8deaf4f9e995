using Dapper;

namespace PerspectivesApi.Tests;

/// <summary>An article's stance count is kept in its row by triggers (migration 0011; PostgreSQL 0005), not counted
/// for each page: whatever adds, removes or moves stances, every article's count must equal a count of its stances,
/// in the lists and in the article itself.</summary>
public sealed class ArticleStanceCountTests
{
    [Fact]
    public async Task Every_articles_stance_count_equals_a_count_of_its_stances_after_stances_are_added_moved_and_removed()
    {
        await using var archive = new ArchiveApp();
        await Assert_counts_match(archive);

        await using (var connection = await archive.OpenAsync())
        {
            var (topic, first, second) = await connection.QuerySingleAsync<(string, string, string)>(
                "SELECT (SELECT id FROM topics ORDER BY id LIMIT 1), (SELECT id FROM articles ORDER BY id LIMIT 1), (SELECT id FROM articles ORDER BY id DESC LIMIT 1)");
            Assert.NotEqual(first, second);
            await connection.ExecuteAsync("""
                INSERT INTO stances (id, topic_id, article_id, position, quote, quote_start, quote_end, summary)
                VALUES (@id, @topic, @article, 'supports', 'Generated', 0, 9, 'A summary.')
                """, Enumerable.Range(0, 5).Select(i => new { id = $"counted-{i}", topic, article = first }));
            // Moved to another article, left where it is (its article named again), and removed.
            await connection.ExecuteAsync("UPDATE stances SET article_id = @second WHERE id IN ('counted-0', 'counted-1')", new { second });
            await connection.ExecuteAsync("UPDATE stances SET article_id = @first, summary = 'Changed.' WHERE id = 'counted-2'", new { first });
            await connection.ExecuteAsync("DELETE FROM stances WHERE id = 'counted-3'");

            var counts = (await connection.QueryAsync<(string Id, long Stored, long Counted)>(
                "SELECT a.id, a.stance_count, (SELECT count(*) FROM stances s WHERE s.article_id = a.id) FROM articles a WHERE a.id IN (@first, @second)",
                new { first, second })).ToDictionary(c => c.Id);
            Assert.Equal(counts[first].Counted, counts[first].Stored);
            Assert.Equal(counts[second].Counted, counts[second].Stored);
            Assert.True(counts[second].Stored >= 2);
        }
        await Assert_counts_match(archive);
    }

    /// <summary>Every article's stanceCount, as the list pages show it, against a count of its stances.</summary>
    private static async Task Assert_counts_match(ArchiveApp archive)
    {
        Dictionary<string, long> counted;
        await using (var connection = await archive.OpenAsync())
            counted = (await connection.QueryAsync<(string Id, long Count)>(
                "SELECT a.id, (SELECT count(*) FROM stances s WHERE s.article_id = a.id) FROM articles a")).ToDictionary(c => c.Id, c => c.Count);
        Assert.Contains(counted.Values, count => count > 0);

        var shown = new Dictionary<string, long>();
        string? cursor = null;
        do
        {
            var page = await archive.GetJsonAsync("/v1/articles?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var item in page.GetProperty("items").EnumerateArray())
                shown[item.GetProperty("id").GetString()!] = item.GetProperty("stanceCount").GetInt64();
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(counted, shown);

        var article = counted.MaxBy(c => c.Value).Key;
        var detail = await archive.GetJsonAsync($"/v1/articles/{article}");
        Assert.Equal(counted[article], detail.GetProperty("stances").GetArrayLength());
    }
}
