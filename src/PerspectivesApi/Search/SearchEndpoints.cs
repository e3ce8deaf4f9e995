using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

namespace PerspectivesApi.Search;

public static class SearchEndpoints
{
    public static void MapSearch(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/search", Search)
            .WithTags("Search")
            .WithName("search")
            .WithSummary("Search articles and stances")
            .WithDescription("""
                Full-text search across article titles and bodies and stance quotes at once, best matches first. Each hit says what
                matched (an article or a stance), its bm25 rank, and a snippet with the matched terms wrapped in <mark>…</mark>.
                Narrow to one kind with `kind`; for filters by outlet, topic or date, use `q` on /v1/articles or /v1/stances.
                """)
            .ListsCollection<SearchHit>(SearchQueries.Collection, Examples.SearchPage);
    }

    // ListAsync answers 400 before projecting anything unless q is given exactly once and is valid.
    private static Task<IResult> Search(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<SearchQueries.Row, SearchHit>(http, SearchQueries.Collection,
            (connection, rows, token) => SearchQueries.HitsAsync(connection, http.Request.Query["q"].ToString(), rows, token), cancellationToken);
}
