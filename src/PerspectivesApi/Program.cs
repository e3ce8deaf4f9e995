using PerspectivesApi;
using PerspectivesApi.Data;
using PerspectivesApi.Http;
using PerspectivesApi.OpenApi;

var builder = WebApplication.CreateBuilder(args);
if (!builder.Environment.IsDevelopment()) builder.Logging.AddJsonConsole();

builder.Services.AddArchive(builder.Configuration, builder.Environment);
builder.Services.AddSingleton<IProblemDetailsWriter, ProblemWriter>(); // first, so it is the one used
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddArchiveHealth();
builder.Services.AddArchiveOpenApi();
// The archive is public and read anonymously: any web page may call it from the browser.
builder.Services.AddCors(options => options.AddDefaultPolicy(policy =>
    policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "HEAD", "OPTIONS").WithExposedHeaders("ETag", "Link")));

var app = builder.Build();

// Migrate, and seed a new archive, before the first request is served.
await app.Services.GetRequiredService<ArchiveStartup>().RunAsync();

// Every error leaves as application/problem+json: exceptions (never with a stack trace), and
// empty 4xx/5xx answers such as an unknown route or a wrong method.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();

app.UseArchiveOpenApi();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
app.MapArchiveHealth();
app.MapV1();

app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
