using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Outlets;

/// <summary>An outlet as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record OutletDocument
{
    [MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("A slug; derived from the name when left out on creation.")] public string? Id { get; init; }
    [Required, MaxLength(Bounds.Name), Description("The outlet's name.")] public string? Name { get; init; }
    [FromVocabulary("outlet kind"), Description("What kind of publication it is; null when not certain.")] public string? Kind { get; init; }
    [MaxLength(2), RegularExpression(Bounds.CountryPattern), Description("ISO 3166-1 alpha-2 country code in capitals; null when not certain.")] public string? Country { get; init; }
    [MaxLength(Bounds.Url), RegularExpression(Bounds.UrlPattern), Description("The outlet's home page (absolute http(s) URL); null when not certain.")] public string? Url { get; init; }
    [MaxLength(Bounds.OutletDescription), Description("A sentence about the outlet.")] public string? Description { get; init; }
}

public static class OutletWrites
{
    public static readonly WriteModel<OutletDocument> Model = new()
    {
        Name = Http.ResourceName.Outlet,
        IdOf = d => d.Id,
        DerivesIdFrom = "name",
        NameOf = d => d.Name,
        WithId = (d, id) => d with { Id = id },
        LoadAsync = (connection, id) => connection.QuerySingleOrDefaultAsync<OutletDocument>(
            "SELECT id, name, kind, country, url, description FROM outlets WHERE id = @id", new { id }),
        RepresentAsync = async (connection, id, cancellationToken) => await OutletQueries.FindAsync(connection, id, cancellationToken),
        Rules = (context, d, errors) =>
        {
            errors.Required("name", d.Name, Bounds.Name);
            errors.OneOf("kind", d.Kind, Vocabulary.OutletKinds.Values, optional: true);
            if (d.Country is not null && !CorpusImport.CountryPattern().IsMatch(d.Country))
                errors.Add("country", $"must be an ISO 3166-1 alpha-2 code in capitals, such as GE; got '{d.Country}'.");
            errors.Url("url", d.Url);
            errors.MaxLength("description", d.Description, Bounds.OutletDescription);
            return Task.FromResult(d);
        },
        InsertAsync = (connection, d) => connection.ExecuteAsync(
            "INSERT INTO outlets (id, name, kind, country, url, description) VALUES (@Id, @Name, @Kind, @Country, @Url, @Description)", d),
        UpdateAsync = (connection, d) => connection.ExecuteAsync(
            "UPDATE outlets SET name = @Name, kind = @Kind, country = @Country, url = @Url, description = @Description WHERE id = @Id", d),
        DeleteBlockerAsync = async (connection, id) =>
        {
            var (articles, voices) = await connection.QuerySingleAsync<(long, long)>(
                "SELECT (SELECT count(*) FROM articles WHERE outlet_id = @id OR republished_from_outlet_id = @id), (SELECT count(*) FROM authors WHERE outlet_id = @id)", new { id });
            return articles + voices == 0 ? null
                : $"{articles} article(s) name the outlet '{id}' as publisher or original source and {voices} editorial voice(s) speak for it; change or delete them first.";
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM outlets WHERE id = @id", new { id }),
    };
}
