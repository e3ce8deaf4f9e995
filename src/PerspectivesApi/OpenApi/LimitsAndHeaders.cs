using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>What running in public adds to every operation, declared in one place so that no route can
/// miss it: the limit problems (429 anywhere, 503 wherever the database works, 408 and 413 wherever a
/// body is read), the headers that come with answers (RateLimit and RateLimit-Policy on all of them,
/// ETag, Link, Location, Cache-Control and Retry-After where they apply) and the request headers that
/// make conditional and retried requests (If-None-Match, If-Match, Idempotency-Key).
/// The shared responses and headers are components, referenced from each operation.</summary>
public static class LimitsAndHeaders
{
    private const string Problem = "application/problem+json";

    private static readonly (int Status, string Name, string Description, string Type, string Title, string Detail)[] LimitResponses =
    [
        (StatusCodes.Status408RequestTimeout, "RequestBodyTooSlow",
            "The body arrived too slowly: the archive stopped waiting for it. Nothing was written; send it again.",
            "/problems/request-timeout", "Request body too slow",
            "The request body did not arrive within the time allowed. Nothing was written; send it again."),
        (StatusCodes.Status413PayloadTooLarge, "RequestBodyTooLarge",
            "The body is larger than this route accepts (resource writes take small bodies, imports larger ones). Nothing was written.",
            "/problems/request-too-large", "Request body too large",
            "The request body is larger than this route accepts. Nothing was written; send a smaller one (a large import in parts)."),
        (StatusCodes.Status429TooManyRequests, "TooManyRequests",
            "The client (its IP address, or its curator key) has used its request budget; Retry-After says when to try again. " +
            "Expensive operations (search, facets, count=true, exports, the snapshot) have a tighter budget of their own.",
            "/problems/rate-limited", "Too many requests",
            "This client has used its budget of requests for now. Retry after 12 seconds."),
        (StatusCodes.Status503ServiceUnavailable, "ServiceBusy",
            "The request's work would exceed its time budget, or the database is busy with other writes; nothing was written. " +
            "Retry-After says when to try again; a narrower query may succeed at once.",
            "/problems/busy", "Service busy",
            "The request's work exceeded its time budget and was stopped. Retry after 1 second, or narrow the query."),
    ];

    private static readonly Dictionary<string, OpenApiHeader> Headers = new()
    {
        ["RateLimit"] = new OpenApiHeader
        {
            Description = "The client's remaining budget under the policy that is closest to running out, as an IETF structured field " +
                          "(draft-ietf-httpapi-ratelimit-headers): `\"default\";r=97;t=42` — r requests remain, the window resets in t seconds.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"default\";r=97;t=42"),
        },
        ["RateLimit-Policy"] = new OpenApiHeader
        {
            Description = "The budgets that apply to this request, as an IETF structured field (draft-ietf-httpapi-ratelimit-headers): " +
                          "`\"default\";q=600;w=60` — q requests per window of w seconds.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"default\";q=600;w=60"),
        },
        ["Retry-After"] = new OpenApiHeader
        {
            Description = "How many seconds to wait before trying again.",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" },
            Example = JsonValue.Create(12),
        },
        ["Access-Control-Allow-Origin"] = new OpenApiHeader
        {
            Description = "`*` on an answer to a cross-origin request (one with an Origin header): the archive is public, so any web page may read it.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("*")] },
            Example = JsonValue.Create("*"),
        },
        ["ETag"] = new OpenApiHeader
        {
            Description = "The strong entity tag of the representation. Send it back in If-None-Match to get a 304 when nothing changed, " +
                          "and in If-Match to update or delete exactly what was read.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"0t5NLqxxT_AL059W5goMYQ\""),
        },
        ["Link"] = new OpenApiHeader
        {
            Description = "The next page's URL (RFC 8288), absent on the last page: `<…?cursor=…>; rel=\"next\"`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("<https://archive.example/v1/articles?cursor=WyJ4eTEyMyJd.c2ln>; rel=\"next\""),
        },
        ["Location"] = new OpenApiHeader
        {
            Description = "The URL of the resource created.",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("/v1/outlets/turan-information-agency"),
        },
        ["Cache-Control"] = new OpenApiHeader
        {
            Description = "`no-cache` (keep the answer but revalidate it with its ETag); answers to curators are `private`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("no-cache"),
        },
    };

    /// <summary>Adds the limit problems, the response headers and the request headers that apply to <paramref name="operation"/>.</summary>
    public static void Declare(OpenApiOperation operation, OperationFilterContext context, bool isCollection)
    {
        var document = context.Document;
        var method = context.ApiDescription.HttpMethod ?? "GET";
        var path = "/" + (context.ApiDescription.RelativePath ?? "").TrimEnd('/');
        var takesBody = operation.RequestBody is not null;
        var isRestore = path.EndsWith("/restore");
        RegisterComponents(context);

        operation.Responses!["429"] = new OpenApiResponseReference("TooManyRequests", document);
        // Every /v1 operation reads or writes the database, whose work has a time budget.
        if (path.StartsWith("/v1")) operation.Responses["503"] = new OpenApiResponseReference("ServiceBusy", document);
        if (takesBody)
        {
            operation.Responses["408"] = new OpenApiResponseReference("RequestBodyTooSlow", document);
            operation.Responses["413"] = new OpenApiResponseReference("RequestBodyTooLarge", document);
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (response is not OpenApiResponse inline) continue; // the shared ones carry their headers
            inline.Headers ??= new Dictionary<string, IOpenApiHeader>();
            AddHeader(inline, "RateLimit", document);
            AddHeader(inline, "RateLimit-Policy", document);
            AddHeader(inline, "Access-Control-Allow-Origin", document);
            var success = code is "200" or "201" or "304";
            if (success || code == "204") AddHeader(inline, "Cache-Control", document);
            if (success) AddHeader(inline, "ETag", document);
            if (code == "200" && (isCollection || path == "/v1/changes")) AddHeader(inline, "Link", document);
            if (code == "201") AddHeader(inline, "Location", document);
        }

        operation.Parameters ??= [];
        if (method == "GET")
            AddHeaderParameter(operation, "If-None-Match",
                "ETags of copies the client holds (or `*`): when one is current the answer is 304, without a body.", "\"0t5NLqxxT_AL059W5goMYQ\"", EntityTags);
        if (method is "PUT" or "PATCH" or "DELETE" || isRestore)
            AddHeaderParameter(operation, "If-Match",
                "The ETag of the resource as last read (GET it first), or `*`. Required when the resource exists: 428 without it, " +
                "412 when the resource changed meanwhile, so that no change made meanwhile is overwritten." +
                (isRestore ? " Not needed to restore a deleted resource." : ""), "\"0t5NLqxxT_AL059W5goMYQ\"", EntityTags);
        if (method == "POST" && !isRestore)
            AddHeaderParameter(operation, "Idempotency-Key",
                "Any unique string up to 255 characters (a UUID) that makes the POST safe to retry: a repeat with the same key and body " +
                "replays the first answer and writes nothing again; the same key with another body is a 422. Keys are kept per curator key.",
                "7c1e5d0a-4b7e-4f4e-9a43-3f4bb1d3c2a9", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]+$" });
    }

    private static void AddHeader(OpenApiResponse response, string name, OpenApiDocument document) =>
        response.Headers![name] = new OpenApiHeaderReference(name, document);

    /// <summary>An entity-tag list (RFC 9110 §8.8.3) or <c>*</c>, within what a request header can hold.</summary>
    private static readonly OpenApiSchema EntityTags = new()
    {
        Type = JsonSchemaType.String,
        MaxLength = 8192,
        Pattern = "^(\\*|(W/)?\"[!#-~]*\"(\\s*,\\s*(W/)?\"[!#-~]*\")*)$",
    };

    /// <summary>The example goes into the description, not <c>example</c>: Swagger UI fills an example into "Try it
    /// out", and a made-up ETag or a fixed Idempotency-Key sent by default would fail (412) or replay (422) the request.</summary>
    private static void AddHeaderParameter(OpenApiOperation operation, string name, string description, string example, OpenApiSchema schema)
    {
        if (operation.Parameters!.Any(p => p.Name == name && p.In == ParameterLocation.Header)) return;
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Description = $"{description} Example: `{example}`.",
            Schema = schema,
        });
    }

    /// <summary>The shared problems and headers, written once under components.</summary>
    private static void RegisterComponents(OperationFilterContext context)
    {
        var components = context.Document.Components ??= new OpenApiComponents();
        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in Headers) components.Headers.TryAdd(name, header);
        components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        if (components.Responses.ContainsKey("TooManyRequests")) return;
        var problemSchema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository);
        foreach (var (status, name, description, type, title, detail) in LimitResponses)
        {
            var headers = new Dictionary<string, IOpenApiHeader>
            {
                ["RateLimit"] = new OpenApiHeaderReference("RateLimit", context.Document),
                ["RateLimit-Policy"] = new OpenApiHeaderReference("RateLimit-Policy", context.Document),
                ["Access-Control-Allow-Origin"] = new OpenApiHeaderReference("Access-Control-Allow-Origin", context.Document),
            };
            if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
                headers["Retry-After"] = new OpenApiHeaderReference("Retry-After", context.Document);
            components.Responses[name] = new OpenApiResponse
            {
                Description = description,
                Headers = headers,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [Problem] = new()
                    {
                        Schema = problemSchema,
                        Example = new JsonObject
                        {
                            ["type"] = type, ["title"] = title, ["status"] = status, ["detail"] = detail,
                            ["instance"] = "/v1/articles", ["traceId"] = "0HNA1B2C3D4E5:00000007",
                        },
                    },
                },
            };
        }
    }
}
