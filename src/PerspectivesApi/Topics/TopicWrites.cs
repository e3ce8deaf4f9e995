using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Topics;

/// <summary>A topic as curators write it, as an import's manifest lists it and as its revisions record it.</summary>
public sealed record TopicDocument
{
    [MaxLength(Bounds.Slug), RegularExpression(Bounds.SlugPattern), Description("A slug; derived from the title when left out on creation.")] public string? Id { get; init; }
    [Required, MaxLength(Bounds.TopicTitle), Description("A short title for the question.")] public string? Title { get; init; }
    [Required, MaxLength(Bounds.Proposition), Description("The proposition stances take a position on.")] public string? Proposition { get; init; }
    [MaxLength(Bounds.TopicDescription), Description("Context for the question.")] public string? Description { get; init; }
    [Required, Description("true when the proposition's truth can change with time (a present-tense claim about relations, influence or aims), so that its stances are compared within one period; false for a proposition about a dated event.")] public bool? TimeDependent { get; init; }
}

public static class TopicWrites
{
    public static readonly WriteModel<TopicDocument> Model = new()
    {
        Name = Http.ResourceName.Topic,
        IdOf = d => d.Id,
        DerivesIdFrom = "title",
        NameOf = d => d.Title,
        WithId = (d, id) => d with { Id = id },
        LoadAsync = (connection, id) => connection.QuerySingleOrDefaultAsync<TopicDocument>("SELECT id, title, proposition, description, time_dependent FROM topics WHERE id = @id", new { id }),
        RepresentAsync = async (connection, id, cancellationToken) => await TopicQueries.FindAsync(connection, id, cancellationToken),
        Rules = (context, d, errors) =>
        {
            errors.Required("title", d.Title, Bounds.TopicTitle);
            errors.Required("proposition", d.Proposition, Bounds.Proposition);
            errors.MaxLength("description", d.Description, Bounds.TopicDescription);
            if (d.TimeDependent is null)
                errors.Add("timeDependent", "is required: true when the proposition's truth can change with time (its stances are then compared within one period), false for a proposition about a dated event.");
            return Task.FromResult(d);
        },
        InsertAsync = (connection, d) => connection.ExecuteAsync("INSERT INTO topics (id, title, proposition, description, time_dependent) VALUES (@Id, @Title, @Proposition, @Description, @TimeDependent)", d),
        UpdateAsync = (connection, d) => connection.ExecuteAsync("UPDATE topics SET title = @Title, proposition = @Proposition, description = @Description, time_dependent = @TimeDependent WHERE id = @Id", d),
        DeleteBlockerAsync = async (connection, id) =>
        {
            var stances = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM stances WHERE topic_id = @id", new { id });
            return stances == 0 ? null : $"{stances} stance(s) take a position on the topic '{id}'; change or delete them first.";
        },
        DeleteAsync = (connection, id) => connection.ExecuteAsync("DELETE FROM topics WHERE id = @id", new { id }),
    };
}
