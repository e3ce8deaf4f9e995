namespace PerspectivesApi.ClientTests;

/// <summary>One page of a collection, as every generated client's page type carries it.</summary>
public sealed record Page<T>(IEnumerable<T>? Items, string? NextCursor, long? Total);

public static class Collections
{
    /// <summary>Follows <c>nextCursor</c> from the first page to the last, and proves the walk whole: the
    /// pages together hold as many items as the first page's <c>total</c> (asked with <c>count=true</c>),
    /// each item once.</summary>
    /// <param name="page">Fetches the page at a cursor (<c>null</c>: the first).</param>
    public static async Task<List<T>> WalkAsync<T>(string name, Func<string?, Task<Page<T>>> page, Func<T, string?> id)
    {
        long? total = null;
        var items = await FollowAsync(name, async cursor =>
        {
            var current = await page(cursor);
            total ??= current.Total;
            return current;
        });
        Assert.True(total is not null, $"{name}: count=true gave no total");
        Assert.True(total == items.Count, $"{name}: the pages held {items.Count} items, the total says {total}");
        var repeated = items.GroupBy(id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{name}: items on more than one page: {string.Join(", ", repeated)}");
        return items;
    }

    /// <summary>Follows <c>nextCursor</c> from the first page until a page has none, and returns every item.</summary>
    public static async Task<List<T>> FollowAsync<T>(string name, Func<string?, Task<Page<T>>> page)
    {
        var items = new List<T>();
        string? cursor = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= 1000, $"{name}: still a next page after 1000 pages");
            var current = await page(cursor);
            Assert.True(current.Items is not null, $"{name}: a page without items");
            var count = items.Count;
            items.AddRange(current.Items);
            if (current.NextCursor is null) return items;
            Assert.True(items.Count > count, $"{name}: an empty page with a next cursor");
            cursor = current.NextCursor;
        }
    }
}
