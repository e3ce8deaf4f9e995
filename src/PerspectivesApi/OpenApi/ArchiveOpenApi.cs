using Microsoft.OpenApi;

namespace PerspectivesApi.OpenApi;

public static class ArchiveOpenApi
{
    public const string DocumentPath = "/swagger/v1/swagger.json";
    public const string CuratorScheme = "curatorKey";

    public static IServiceCollection AddArchiveOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Perspectives Archive API",
                Version = "v1",
                Contact = new OpenApiContact { Name = "Perspectives Archive" },
                Description = """
                    An open archive of perspectives in the press: who said what, about which question, where and when, with the exact words as evidence.

                    **Resources.** Articles (with credits, clean body text and provenance), authors, outlets, topics (questions framed as
                    propositions) and stances (one voice's position on one topic in one article, anchored by an exact quote).

                    **Lists.** Every collection answers `{"items": [...], "nextCursor": ...}`, plus `total` with `count=true`. Paging is keyset:
                    pass `nextCursor` as `cursor` (or follow the `Link: rel="next"` header); `limit` is 1–100, default 20. A cursor only works with
                    the filters and sort it came from. Filters are query parameters named after what they filter; repeat one for several values.

                    **Facts.** Unknown outlets, authors and dates are `null`, never guessed; a date has a `precision` and says whether it was
                    `inferred`. Quote offsets count Unicode code points in the article body, end exclusive: `body[start:end] == quote.text`.

                    **Errors** are RFC 9457 `application/problem+json`; a 400 lists each bad parameter under `errors`.
                    **Caching:** responses carry a strong `ETag`; send it back in `If-None-Match` for a 304.
                    """,
            });
            // Relative, so the document works wherever the archive is served.
            options.AddServer(new OpenApiServer
            {
                Url = "/",
                Description = "The archive serving this document: production, public, or wherever it runs",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(false)) },
            });
            options.AddSecurityDefinition(CuratorScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A curator's API key (created with `dotnet run --project src/PerspectivesApi -- keys create --name NAME`), sent as Authorization: Bearer <key>. Reads need none.",
            });
            options.OperationFilter<ArchiveOperationFilter>();
            options.SchemaFilter<NullableReferenceSchemaFilter>();
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.CustomSchemaIds(type => type.IsGenericType
                ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Join("", type.GetGenericArguments().Select(a => a.Name))
                : type.Name);
        });
        return services;
    }

    /// <summary>The document at /swagger/v1/swagger.json and Swagger UI at /swagger, in every
    /// environment: exploring the archive in Swagger UI is one of its main uses.</summary>
    public static void UseArchiveOpenApi(this WebApplication app)
    {
        app.UseSwagger(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "Perspectives Archive API v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "Perspectives Archive API";
        });
    }
}
