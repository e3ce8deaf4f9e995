using System.ComponentModel;
using Dapper;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Outlets;

namespace PerspectivesApi.Authors;

/// <summary>A voice as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record AuthorDocument
{
    [Description("A slug; derived from the name when left out on creation.")] public string? Id { get; init; }
    [Description("The voice's name. Required.")] public string? Name { get; init; }
    [Description("The affiliation or role the articles give the voice; null when none is given.")] public string? Affiliation { get; init; }
    [Description("What kind of voice this is. Required. " + VoiceKind.Described)] public string? Kind { get; init; }
    [Description("For an editorial voice, the outlet whose voice it is (an outlet id); null when unknown. Only editorial voices name an outlet.")] public string? Outlet { get; init; }
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
        LoadAsync = (connection, id) => connection.QuerySingleOrDefaultAsync<AuthorDocument>(
            "SELECT id, name, affiliation, kind, outlet_id AS outlet FROM authors WHERE id = @id", new { id }),
        RepresentAsync = async (connection, id, cancellationToken) => await AuthorQueries.FindAsync(connection, id, cancellationToken),
        Rules = async (context, d, errors) =>
        {
            errors.Required("name", d.Name, 200);
            errors.MaxLength("affiliation", d.Affiliation, 500);
            errors.OneOf("kind", d.Kind, Vocabulary.VoiceKinds.Values);
            if (d.Outlet is not null && d.Kind != VoiceKind.Editorial)
                errors.Add("outlet", "is only for an editorial voice (kind 'editorial'): a person, institution or group speaks for itself, not as an outlet.");
            await errors.ReferenceAsync(context, "outlet", d.Outlet, OutletWrites.Model);
            return d;
        },
        InsertAsync = (connection, d) => connection.ExecuteAsync(
            "INSERT INTO authors (id, name, affiliation, kind, outlet_id) VALUES (@Id, @Name, @Affiliation, @Kind, @Outlet)", d),
        UpdateAsync = (connection, d) => connection.ExecuteAsync(
            "UPDATE authors SET name = @Name, affiliation = @Affiliation, kind = @Kind, outlet_id = @Outlet WHERE id = @Id", d),
        DeleteBlockerAsync = async (connection, id) =>
        {
            var (credits, stances, relayed) = await connection.QuerySingleAsync<(long, long, long)>("""
                SELECT (SELECT count(*) FROM credits WHERE author_id = @id), (SELECT count(*) FROM stances WHERE author_id = @id),
                       (SELECT count(*) FROM stances WHERE attribution_via = @id)
                """, new { id });
            return credits + stances + relayed == 0 ? null
                : $"The author '{id}' is credited on {credits} article(s), holds {stances} stance(s) and relays the words of {relayed} stance(s); change or delete those first.";
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM authors WHERE id = @id", new { id }),
    };
}
