using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Outlets;

namespace PerspectivesApi.Authors;

/// <summary>A voice as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record AuthorDocument
{
    [MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("A slug; derived from the name when left out on creation.")] public string? Id { get; init; }
    [Required, MaxLength(Bounds.Name), Description("The voice's name.")] public string? Name { get; init; }
    [MaxLength(Bounds.Affiliation), Description("The affiliation or role the articles give the voice; null when none is given.")] public string? Affiliation { get; init; }
    [Required, FromVocabulary("voice kind"), Description("What kind of voice this is.")] public string? Kind { get; init; }
    [MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("For an editorial voice, the outlet whose voice it is (an outlet id); null when unknown. Only editorial voices name an outlet.")] public string? Outlet { get; init; }
}

public static class AuthorWrites
{
    public static readonly WriteModel<AuthorDocument> Model = new()
    {
        Name = Http.ResourceName.Author,
        IdOf = d => d.Id,
        DerivesIdFrom = "name",
        NameOf = d => d.Name,
        WithId = (d, id) => d with { Id = id },
        LoadAsync = (connection, id) => connection.QuerySingleOrDefaultAsync<AuthorDocument>(
            "SELECT id, name, affiliation, kind, outlet_id AS outlet FROM authors WHERE id = @id", new { id }),
        RepresentAsync = async (connection, id, cancellationToken) => await AuthorQueries.FindAsync(connection, id, cancellationToken),
        Rules = async (context, d, errors) =>
        {
            errors.Required("name", d.Name, Bounds.Name);
            errors.MaxLength("affiliation", d.Affiliation, Bounds.Affiliation);
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
