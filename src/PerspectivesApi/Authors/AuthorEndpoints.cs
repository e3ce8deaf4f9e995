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
            .WithDescription("People whose perspective the archive records (bylined writers, interviewers, interviewees, quoted speakers), by name, with how many articles credit them and how many stances they hold.")
            .ListsCollection<Author>(AuthorQueries.Collection, Examples.AuthorPage);

        authors.MapGet("/{id}", Get)
            .WithName("getAuthor")
            .WithSummary("Get an author")
            .WithDescription("One person: name, the affiliation the articles give them, and counts of their articles and stances.")
            .FindsResource<Author>("author", Examples.Author);

        authors.MapGet("/{id}/articles", ListArticles)
            .WithName("listAuthorArticles")
            .WithSummary("List an author's articles")
            .WithDescription("Articles that credit this person in any role (author, interviewer, interviewee, translator, quoted). Same filters and paging as GET /v1/articles, less `author`.")
            .ListsCollection<ArticleSummary>(ArticleQueries.OfAuthor, Examples.ArticlePage);

        authors.MapGet("/{id}/stances", ListStances)
            .WithName("listAuthorStances")
            .WithSummary("List an author's stances")
            .WithDescription("The positions this person holds across the archive, with quotes. Same filters and paging as GET /v1/stances, less `author`.")
            .ListsCollection<Stance>(StanceQueries.OfAuthor, Examples.StancePage);

        authors.MapWrites(AuthorWrites.Model, Examples.Author);
    }

    private static Task<IResult> List(HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<AuthorQueries.Row, Author>(http, AuthorQueries.Collection, AuthorQueries.ItemsAsync, cancellationToken);

    private static Task<IResult> Get(string id, ResourceReader reader, CancellationToken cancellationToken) =>
        reader.FindAsync("author", id, AuthorQueries.FindAsync, cancellationToken);

    private static Task<IResult> ListArticles(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<ArticleQueries.Row, ArticleSummary>(http, ArticleQueries.OfAuthor, ArticleQueries.SummariesAsync, cancellationToken, pathValue: id);

    private static Task<IResult> ListStances(string id, HttpContext http, CollectionReader reader, CancellationToken cancellationToken) =>
        reader.ListAsync<StanceQueries.Row, Stance>(http, StanceQueries.OfAuthor, StanceQueries.ItemsAsync, cancellationToken, pathValue: id);
}
