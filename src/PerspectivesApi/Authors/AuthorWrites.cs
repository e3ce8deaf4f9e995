using System.ComponentModel;
using Dapper;
using PerspectivesApi.Curation;

namespace PerspectivesApi.Authors;

/// <summary>A person as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record AuthorDocument
{
    [Description("A slug; derived from the name when left out on creation.")] public string? Id { get; init; }
    [Description("The person's name. Required.")] public string? Name { get; init; }
    [Description("The affiliation or role the articles give the person; null when none is given.")] public string? Affiliation { get; init; }
}

public static class AuthorWrites
{
    public static readonly WriteModel<AuthorDocument> Model = new()
    {
        Collection = "authors",
        Resource = "author",
        Table = "authors",
        IdOf = d => d.Id,
        NameOf = d => d.Name,
        WithId = (d, id) => d with { Id = id },
        LoadAsync = (connection, id) => connection.QuerySingleOrDefaultAsync<AuthorDocument>("SELECT id, name, affiliation FROM authors WHERE id = @id", new { id }),
        RepresentAsync = async (connection, id, cancellationToken) => await AuthorQueries.FindAsync(connection, id, cancellationToken),
        Rules = (context, d, errors) =>
        {
            errors.Required("name", d.Name, 200);
            errors.MaxLength("affiliation", d.Affiliation, 500);
            return Task.FromResult(d);
        },
        InsertAsync = (connection, d) => connection.ExecuteAsync("INSERT INTO authors (id, name, affiliation) VALUES (@Id, @Name, @Affiliation)", d),
        UpdateAsync = (connection, d) => connection.ExecuteAsync("UPDATE authors SET name = @Name, affiliation = @Affiliation WHERE id = @Id", d),
        DeleteBlockerAsync = async (connection, id) =>
        {
            var (credits, stances) = await connection.QuerySingleAsync<(long, long)>(
                "SELECT (SELECT count(*) FROM credits WHERE author_id = @id), (SELECT count(*) FROM stances WHERE author_id = @id)", new { id });
            return credits + stances == 0 ? null : $"The author '{id}' is credited on {credits} article(s) and holds {stances} stance(s); change or delete those first.";
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM authors WHERE id = @id", new { id }),
    };
}
