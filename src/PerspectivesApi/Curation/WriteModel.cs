using Microsoft.Data.Sqlite;

namespace PerspectivesApi.Curation;

/// <summary>What the shared write machinery needs to know about one resource: its writable document
/// (<typeparamref name="TDocument"/>, also what revisions store and what an import's manifest lists),
/// how to validate, store and remove it, and how to read the representation GET returns (whose hash
/// is the ETag that If-Match checks). The routes, imports and the seed corpus all write through it.</summary>
public sealed class WriteModel<TDocument> where TDocument : class
{
    public required Http.ResourceName Name { get; init; }
    public string Collection => Name.Collection;
    public string Resource => Name.Singular;
    public string Table => Name.Table;

    public required Func<TDocument, string?> IdOf { get; init; }
    /// <summary>Which field <see cref="NameOf"/> reads, for the contract's words ("derived from the title").</summary>
    public required string DerivesIdFrom { get; init; }
    /// <summary>The text an id is derived from when the client gives none (a name or title).</summary>
    public required Func<TDocument, string?> NameOf { get; init; }
    public required Func<TDocument, string, TDocument> WithId { get; init; }

    /// <summary>The fields of running text, copied from a source, where line breaks and tabs belong;
    /// every other text field is a single line.</summary>
    public IReadOnlyCollection<string> TextBlocks { get; init; } = [];

    /// <summary>The stored resource as a writable document, or null when there is none.</summary>
    public required Func<SqliteConnection, string, Task<TDocument?>> LoadAsync { get; init; }
    /// <summary>What GET /v1/{collection}/{id} answers.</summary>
    public required Func<SqliteConnection, string, CancellationToken, Task<object?>> RepresentAsync { get; init; }
    /// <summary>The resource's own rules for its fields and references; may normalise the document
    /// (a body's line endings, a quote's offsets). Called through <see cref="ValidateAsync"/>.</summary>
    public required Func<WriteContext, TDocument, FieldErrors, Task<TDocument>> Rules { get; init; }
    public required Func<SqliteConnection, TDocument, Task> InsertAsync { get; init; }
    public required Func<SqliteConnection, TDocument, Task> UpdateAsync { get; init; }
    /// <summary>Why the resource cannot be deleted (other resources refer to it), or null.</summary>
    public required Func<SqliteConnection, string, Task<string?>> DeleteBlockerAsync { get; init; }
    public required Func<SqliteConnection, string, Task> DeleteAsync { get; init; }

    /// <summary>For resources that offer <c>?cascade=true</c>: the dependants deleted with them, as
    /// (collection, id, document) so each deletion is recorded in the history too.</summary>
    public Func<SqliteConnection, string, Task<IReadOnlyList<(string Collection, string Id, object Document)>>>? CascadeAsync { get; init; }

    /// <summary>The one validation of a document, whoever writes it (its routes, an import, the seed
    /// corpus, a restore): the id's form, the resource's rules, and plain text in every field.
    /// Returns the document as it will be stored.</summary>
    public async Task<TDocument> ValidateAsync(WriteContext context, TDocument document, FieldErrors errors)
    {
        errors.Id("id", IdOf(document));
        if (IdOf(document) is { } id && Name.ReservedIds.Contains(id))
            errors.Add("id", $"'{id}' is reserved: GET {Name.Path}/{id} is another route, so {Name.WithArticle} with this id could never be read. Choose another id.");
        document = await Rules(context, document, errors);
        // After the rules, so that what is checked is what will be stored (a body's \r\n is \n by now).
        errors.PlainTextEverywhere(document, TextBlocks);
        return document;
    }
}
