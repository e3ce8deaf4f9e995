using PerspectivesApi;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;
using PerspectivesApi.Exports;
using PerspectivesApi.Explorer;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

var builder = WebApplication.CreateBuilder(args);
if (!builder.Environment.IsDevelopment()) builder.Logging.AddJsonConsole();

builder.AddHttpHygiene();
builder.Services.AddArchive(builder.Configuration, builder.Environment);
builder.Services.AddRequestLimits(builder.Configuration);
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemWriter>(); // first, so it is the one used
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddArchiveHealth();
builder.Services.AddCurators();
builder.Services.AddArchiveOpenApi();
builder.Services.AddDownloadDocs();
builder.Services.AddExplorer();
builder.Services.AddArchiveResponseCache(builder.Configuration);
builder.Services.AddReverseProxySupport(builder.Configuration);
builder.Services.AddArchiveRateLimiting(builder.Configuration);
builder.Services.AddQueryBudget(builder.Configuration);
builder.Services.AddExpensiveReadGate(builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ArchiveJsonContext.Default));
// The archive is public and read anonymously: any web page may call it from the browser.
builder.Services.AddCors(options => options.AddDefaultPolicy(policy =>
    policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "HEAD", "OPTIONS").WithExposedHeaders("ETag", "Link", "RateLimit", "RateLimit-Policy", "Retry-After")));

var app = builder.Build();

// `dotnet run -c Release --project src/PerspectivesApi -- generate --articles 1000000 --seed 1`: build a
// synthetic archive for benchmarks in the configured (new) database file, and exit.
if (args is ["generate", ..])
{
    var articles = args.SkipWhile(a => a != "--articles").Skip(1).Select(int.Parse).FirstOrDefault(1_000_000);
    var seed = args.SkipWhile(a => a != "--seed").Skip(1).Select(int.Parse).FirstOrDefault(1);
    await ArchiveGenerator.GenerateAsync(app.Services.GetRequiredService<Database>(), new GeneratorOptions(articles, seed), Console.Out);
    return 0;
}

// Migrate, and seed a new archive, before the first request is served.
await app.Services.GetRequiredService<ArchiveStartup>().RunAsync();

// `dotnet run --project src/PerspectivesApi -- keys create --name alice`: manage curator keys and exit.
if (KeysCommand.Matches(args))
    return await KeysCommand.RunAsync(args, app.Services, Console.Out, Console.Error);
// `dotnet run --project src/PerspectivesApi -- copy --to-postgres "Host=…;Database=…"` (or `--to-sqlite PATH`): copy the
// configured archive into an empty database of the other provider, and exit.
if (CopyCommand.Matches(args))
    return await CopyCommand.RunAsync(args, app.Services, Console.Out, Console.Error);
// `dotnet run --project src/PerspectivesApi -- seed update`: bring the archive's seed content to db/seed and exit.
if (SeedCommand.Matches(args))
    return await SeedCommand.RunAsync(args, app.Services, Console.Out, Console.Error);

// First: everything after it sees the client's address (from trusted proxies only), not the proxy's.
app.UseForwardedClients();
app.UseHttpHygiene();
app.UseExplorerFiles();
// Routing after HEAD has become GET, so that HEAD finds every GET route (without this line, routing runs first).
app.UseRouting();
// Every error leaves as application/problem+json (on the explorer's paths, as an HTML page): exceptions
// (never with a stack trace), and empty 4xx/5xx answers such as an unknown route or a wrong method.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseAuthentication();
app.UseArchiveRateLimiting();
app.UseAuthorization();
app.UseQueryBudget();
// After CORS, so answers served from the cache carry its headers too.
app.UseArchiveResponseCache();
// After the cache: an answer it holds is sent without waiting for a turn.
app.UseExpensiveReadGate();

app.UseArchiveOpenApi();
app.MapArchiveHealth();
app.MapV1();
app.MapExplorer();

app.Run();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
