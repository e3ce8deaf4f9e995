using System.ComponentModel;
using PerspectivesApi.Data;

namespace PerspectivesApi.Outlets;

/// <summary>A publication: a newspaper, broadcaster, news site, agency, magazine or blog.</summary>
public sealed record Outlet(
    [property: Description("Stable id (a slug).")] string Id,
    [property: Description("The outlet's name.")] string Name,
    [property: FromVocabulary("outlet kind"), Description("What kind of publication it is; null when not certain. " + Data.OutletKind.Described)] string? Kind,
    [property: Description("ISO 3166-1 alpha-2 country code; null when not certain.")] string? Country,
    [property: Description("The outlet's home page; null when not certain.")] string? Url,
    [property: Description("A sentence about the outlet.")] string? Description,
    [property: Description("How many archived articles the outlet published.")] long ArticleCount);
