// What Kestrel itself can do on this machine: answer a GET with fixed bytes of a given size, as
// application/json, with no database and no serialization. bench/run.sh measures the archive's
// endpoints as a fraction of this.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var bodies = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
app.MapGet("/fixed/{size:int}", (int size, HttpContext http) =>
{
    var body = bodies.GetOrAdd(size, n => System.Text.Encoding.ASCII.GetBytes("\"" + new string('x', Math.Max(0, n - 2)) + "\""));
    return Results.Bytes(body, "application/json");
});
app.Run();
