using PerspectivesApi.Articles;
using PerspectivesApi.Curation;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;
using PerspectivesApi.Stances;

namespace PerspectivesApi.Authors;

public static class AuthorEndpoints
{
    public static void MapAuthors(this IEndpointRouteBuilder v1)
    {
        var authors = v1.MapGroup("/authors").WithTags("Authors");

        authors.MapGet("/", List)
            .WithName("listAuthors")
            .WithSummary("List authors")
            .WithDescription("Voices whose perspective the archive records: persons (bylined writers, interviewers, interviewees, quoted or reported speakers), institutions, groups and the editorial voices of unsigned pieces, by name, with their kind, how many articles credit them and how many stances they hold. Filter by `kind`.")
            .ListsCollection<Author>(AuthorQueries.Collection, Examples.AuthorPage);

        authors.MapGet("/{id}", Get)
            .WithName("getAuthor")
            .WithSummary("Get an author")
            .WithDescription("One voice: name, kind, the affiliation the articles give it (or, for an editorial voice, its outlet), and counts of its articles and stances.")
            .FindsResource<Author>(ResourceName.Author, Examples.Author);

        authors.MapGet("/{id}/articles", ListArticles)
            .WithName("listAuthorArticles")
            .WithSummary("List an author's articles")
            .WithDescription("Articles that credit this voice as one of their makers (author, interviewer, interviewee, translator; credits written before schema 7 may still say quoted). Who is quoted in a piece is said by its stances. Same filters and paging as GET /v1/articles, less `author`.")
            .ListsCollection<ArticleSummary>(ArticleQueries.OfAuthor, Examples.ArticlePage);

        authors.MapGet("/{id}/stances", ListStances)
            .WithName("listAuthorStances")
            .WithSummary("List an author's stances")
            .WithDescription("The positions this voice holds across the archive, with quotes, how they reach us and when they were held. Same filters and paging as GET /v1/stances, less `author`.")
            .ListsCollection<Stance>(StanceQueries.OfAuthor, Examples.StancePage);

        authors.MapWrites(AuthorWrites.Model, Examples.Author, Examples.AuthorDocument);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<AuthorQueries.Row, Author>(http, AuthorQueries.Collection, AuthorQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync(ResourceName.Author, id, AuthorQueries.FindAsync, cancellationToken);

    private static Task<IResult> ListArticles(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<ArticleQueries.Row, ArticleSummary>(http, ArticleQueries.OfAuthor, ArticleQueries.SummariesAsync, cancellationToken, pathValue: id);

    private static Task<IResult> ListStances(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.OfAuthor, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
}
