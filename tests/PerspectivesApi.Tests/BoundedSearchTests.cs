using Dapper;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>What the q parameter's description promises: relevance with q alone ranks the
/// <see cref="Sort.RankedMatches"/> matches most recently added to the archive; any other filter, or a
/// date sort, considers every match.</summary>
public sealed class BoundedSearchTests
{
    [Fact]
    public async Task A_word_matching_more_than_the_bound_is_ranked_among_the_most_recently_added_matches()
    {
        await using var archive = new ArchiveApp();
        const int extra = 20;
        await using (var connection = await archive.OpenAsync())
        {
            // The first `extra` articles added use the word most (the best bm25), and are published latest;
            // the RankedMatches added after them use it once.
            await using var transaction = connection.BeginTransaction();
            await connection.ExecuteAsync("""
                INSERT INTO articles (id, title, genre, language, outlet_id, published_date, published_precision, published_inferred, excerpt, body)
                VALUES (@id, 'Untitled', 'news', 'en', NULL, @date, 'day', 0, 'x', @body)
                """,
                Enumerable.Range(0, Sort.RankedMatches + extra).Select(i => new
                {
                    id = $"bulk-{i:00000}",
                    date = i < extra ? "2030-01-01" : "2020-01-01",
                    body = i < extra ? "zyzzyva zyzzyva zyzzyva zyzzyva" : "zyzzyva and many other words of filler text here",
                }), transaction);
            await transaction.CommitAsync();
        }
        var best = Enumerable.Range(0, extra).Select(i => $"bulk-{i:00000}").ToHashSet();

        var ranked = await archive.GetJsonAsync("/v1/articles?q=zyzzyva&limit=100");
        var ids = ranked.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.Equal(100, ids.Count);
        Assert.DoesNotContain(ids, best.Contains); // outside the most recently added RankedMatches

        // Walking every page of the bounded ranking yields exactly RankedMatches items, the most recently added.
        var walked = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await archive.GetJsonAsync("/v1/articles?q=zyzzyva&limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var item in page.GetProperty("items").EnumerateArray()) Assert.True(walked.Add(item.GetProperty("id").GetString()!));
            cursor = page.NullableString("nextCursor");
        } while (cursor is not null);
        Assert.Equal(Sort.RankedMatches, walked.Count);
        Assert.Empty(walked.Intersect(best));

        // Another filter, or a date sort, considers every match: the best-matching, latest articles come first.
        var filtered = await archive.GetJsonAsync("/v1/articles?q=zyzzyva&language=en&limit=20");
        Assert.All(filtered.GetProperty("items").EnumerateArray(), i => Assert.Contains(i.GetProperty("id").GetString()!, best));
        var byDate = await archive.GetJsonAsync("/v1/articles?q=zyzzyva&sort=-published&limit=20");
        Assert.All(byDate.GetProperty("items").EnumerateArray(), i => Assert.Contains(i.GetProperty("id").GetString()!, best));
    }

    [Fact]
    public async Task Below_the_bound_relevance_ranks_every_match()
    {
        await using var archive = new ArchiveApp();
        await using (var connection = await archive.OpenAsync())
            await connection.ExecuteAsync("""
                INSERT INTO articles (id, title, genre, language, excerpt, body)
                VALUES (@id, 'Untitled', 'news', 'en', 'x', @body)
                """, Enumerable.Range(0, 30).Select(i => new { id = $"few-{i:00}", body = i == 0 ? "quokka quokka quokka quokka" : "quokka among much filler text" }));
        var items = (await archive.GetJsonAsync("/v1/articles?q=quokka&limit=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(30, items.Count);
        Assert.Equal("few-00", items[0].GetProperty("id").GetString()); // the first added, yet the best match
    }
}
