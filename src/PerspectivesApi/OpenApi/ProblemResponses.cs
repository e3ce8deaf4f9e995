using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerspectivesApi.OpenApi;

/// <summary>The words of every response: when it happens, and for problems an example of what the archive answers.</summary>
public static class ProblemResponses
{
    /// <summary>Every response gets a description saying when it happens, and problems get examples.</summary>
    public static void Describe(OpenApiOperation operation, Collection? collection, JsonSerializerOptions json)
    {
        foreach (var (code, response) in operation.Responses!)
        {
            if (response is not OpenApiResponse r) continue;
            r.Description = code switch
            {
                "201" => "Created: the new resource, with its Location and ETag.",
                "204" => "Deleted; the history stays readable at …/revisions.",
                "401" => "No curator key, or an unknown or revoked one (see WWW-Authenticate).",
                "409" => "The change conflicts with the archive: the id is taken (ids are never reused), or other resources refer to this one.",
                "410" => "The resource was deleted; its history, from which it can be restored, stays readable.",
                "412" => "If-Match does not match the current ETag: the resource changed meanwhile.",
                "415" => "The body is not JSON (Content-Type: application/json).",
                "422" => "Fields are missing, malformed, unknown or refer to nothing; `errors` lists every one. Nothing was written.",
                "428" => "If-Match is required on updates and deletes.",
                "200" => collection is null ? "The resource, with a strong ETag." : "A page of the collection, with a strong ETag and, unless this is the last page, a Link header to the next; or, with format=csv|ndjson|parquet, the whole filtered collection streamed, with a strong ETag and Last-Modified.",
                "406" => "The Accept header allows none of application/json, text/csv, application/x-ndjson and application/vnd.apache.parquet.",
                "304" => "The client's copy (its If-None-Match ETag) is current; no body.",
                "400" => collection is not null
                    ? "A parameter is malformed, out of range or unknown, or the cursor does not belong to this query. `errors` names each parameter."
                    : "A query parameter this operation does not take was sent (or, for a write, the body is not JSON or a header is malformed). `errors` names each.",
                "404" => "No resource has this id.",
                _ => r.Description,
            };
            if (r.Content?.TryGetValue("application/problem+json", out var media) != true || media!.Example is not null) continue;
            media.Example = code switch
            {
                "400" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.InvalidParametersType, title = "Invalid request parameters", status = 400,
                    detail = "The request's parameter 'limit' is not valid: see errors.",
                    instance = "/v1/articles?limit=1000",
                    errors = new Dictionary<string, string[]> { ["limit"] = ["must be a whole number from 1 to 100; got '1000'."] },
                    traceId = "0HNA1B2C3D4E5:00000001",
                }, json),
                "406" => JsonSerializer.SerializeToNode(new
                {
                    type = "/problems/not-acceptable", title = "No acceptable representation", status = 406,
                    detail = "The Accept header (text/html) allows none of application/json, text/csv, application/x-ndjson or application/vnd.apache.parquet. Send one of them, or use format=json|csv|ndjson|parquet.",
                    instance = "/v1/articles", traceId = "0HNA1B2C3D4E5:00000004",
                }, json),
                "404" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.NotFoundType, title = "No such article", status = 404,
                    detail = "The archive has no article with the id 'no-such-article'.", instance = "/v1/articles/no-such-article",
                    traceId = "0HNA1B2C3D4E5:00000002",
                }, json),
                "401" or "409" or "410" or "412" or "415" or "428" => JsonSerializer.SerializeToNode(new
                {
                    type = code switch { "401" => "about:blank", "409" => "/problems/conflict", "410" => "/problems/deleted", "412" => "/problems/stale-etag", "415" => "/problems/unsupported-media-type", _ => "/problems/precondition-required" },
                    title = code switch { "401" => "Unauthorized", "409" => "Conflict", "410" => "Deleted outlet", "412" => "The resource has changed", "415" => "Unsupported media type", _ => "If-Match required" },
                    status = int.Parse(code),
                    detail = code switch
                    {
                        "401" => "The request has no Authorization header; writes need a curator key: Authorization: Bearer <key>.",
                        "409" => "1 article(s) name the outlet 'georgia-today' as publisher or original source; change or delete them first.",
                        "410" => "The outlet 'example-outlet' was deleted at 2026-11-23T10:15:00.000Z by alice. Its history, from which it can be restored, is at /v1/outlets/example-outlet/revisions.",
                        "412" => "The outlet has changed since that ETag was read (it is now \"0t5NLqxxT_AL059W5goMYQ\"). GET it again, re-apply the change and retry.",
                        "415" => "Send the body as JSON, with Content-Type: application/json.",
                        _ => "Send If-Match with the ETag of GET /v1/outlets/georgia-today, so that a change made meanwhile is not overwritten.",
                    },
                    instance = "/v1/outlets/georgia-today", traceId = "0HNA1B2C3D4E5:00000005",
                }, json),
                "422" => JsonSerializer.SerializeToNode(new
                {
                    type = Problems.InvalidFieldsType, title = "Invalid fields", status = 422,
                    detail = "The request has 2 invalid fields: 'name', 'colour'. Nothing was written.",
                    instance = "/v1/outlets",
                    errors = new Dictionary<string, string[]> { ["name"] = ["is required."], ["colour"] = ["is not a field of this resource."] },
                    traceId = "0HNA1B2C3D4E5:00000006",
                }, json),
                "500" => JsonSerializer.SerializeToNode(new
                {
                    type = "about:blank", title = "Internal Server Error", status = 500,
                    detail = "The archive could not answer this request. The error was logged with the traceId below.",
                    instance = "/v1/articles", traceId = "0HNA1B2C3D4E5:00000003",
                }, json),
                _ => null,
            };
        }
    }
}
