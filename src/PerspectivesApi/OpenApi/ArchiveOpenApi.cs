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
                // Said as it is: the repository grants no licence yet, and the article texts are third-party works. The
                // description's "Data terms" say what may be done with what.
                License = new OpenApiLicense
                {
                    Name = "No licence granted yet: all rights reserved (code and curated data); third-party article texts: see Data terms",
                    Identifier = "LicenseRef-All-Rights-Reserved",
                },
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

                    **Access.** Reads are anonymous (`security: [{}]`), and a curator's key may come with them (it names the client's rate-limit budget); writes need a curator key (Authorize, then `Authorization: Bearer <key>`).

                    **Versions.** Within v1 the contract only grows: new operations, new optional parameters, new response members, new
                    enum values in responses (a client should tolerate members and values it does not know). A breaking change comes as
                    /v2 beside v1, and what v1 retires is announced with `Deprecation` and `Sunset` headers before it goes. CI checks every
                    change to this document against the v1 baseline (openapi/v1-baseline.json).

                    **Data terms.** No licence has been chosen yet, for the code or for the curators' own work (the metadata, the
                    stance readings, the summaries); until one is, cite the Perspectives Archive and ask before republishing it. The
                    article texts and the quotes in stances are third-party press articles, copyright their publishers and authors,
                    archived and quoted here for research, comparison and criticism; the archive grants no rights in them. Quote them
                    as the law where you are allows (quotation, fair use, fair dealing) and go to the publisher for anything more.
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
            options.DocumentFilter<ContractDocumentFilter>();
            options.SchemaFilter<RecordSchemaFilter>();
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.CustomSchemaIds(SchemaName);
        });
        return services;
    }

    /// <summary>A schema's name says what it is: read (Outlet), written (OutletDocument; the manifest's ArticleEntry is
    /// ArticleDocument), patched (OutletPatch, derived by <see cref="ContractDocumentFilter"/>), a page (PageOfOutlet),
    /// a resource's history (OutletRevision).</summary>
    public static string SchemaName(Type type)
    {
        if (type.IsGenericType)
        {
            var argument = SchemaName(type.GetGenericArguments()[0]);
            return type.GetGenericTypeDefinition() == typeof(Curation.Revision<>)
                ? argument[..^"Document".Length] + "Revision"
                : type.Name[..type.Name.IndexOf('`')] + "Of" + argument;
        }
        if (type == typeof(Data.HeldEntry)) return "HeldAtDocument";
        return type.Namespace == typeof(Data.CorpusManifest).Namespace && type.Name.EndsWith("Entry")
            ? type.Name[..^"Entry".Length] + "Document"
            : type.Name;
    }

    /// <summary>The document at /swagger/v1/swagger.json (built once and kept, <see cref="Http.OpenApiDocumentCache"/>) and
    /// Swagger UI at /swagger, in every environment: exploring the archive in Swagger UI is one of its main uses. Only
    /// paths under /swagger reach Swashbuckle's middleware, which otherwise matches every request against its routes with
    /// regular expressions and looks it up among its embedded files (bench/PERF.md).</summary>
    public static IApplicationBuilder UseArchiveOpenApi(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(RoutePrefix), branch =>
        {
            branch.UseMiddleware<Http.OpenApiDocumentCache>(DocumentPath);
            branch.UseSwagger(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
            branch.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint(DocumentPath, "Perspectives Archive API v1");
                options.RoutePrefix = RoutePrefix.TrimStart('/');
                options.DocumentTitle = "Perspectives Archive API";
            });
        });

    private const string RoutePrefix = "/swagger";
}
