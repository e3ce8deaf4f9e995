using System.Globalization;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Http;

/// <summary>Gives every read request a <see cref="QueryBudget"/> and answers for it: a request stopped at
/// its budget is a 503 problem with Retry-After (or, when an export had already begun streaming, a cut
/// stream the client can tell from a finished one); a request whose client left ends quietly.</summary>
public static class QueryBudgets
{
    public static IServiceCollection AddQueryBudget(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("QueryBudget").Get<QueryBudgetOptions>() ?? new QueryBudgetOptions();
        options.Validate();
        services.AddSingleton(options);
        return services;
    }

    public static IApplicationBuilder UseQueryBudget(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<QueryBudgetOptions>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueryBudget).FullName!);
        return app.Use(async (http, next) =>
        {
            // Writes get no budget: stopping one halfway would only undo it, and their work is bounded by
            // their body and by the busy timeout. Reads are what anyone can ask for, as hard as they like.
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                await next(http);
                return;
            }

            using var budget = QueryBudget.Begin(options, http.RequestAborted);
            try
            {
                await next(http);
            }
            catch (Exception exception) when (budget.ClientGone && exception is OperationCanceledException or SqliteException { SqliteErrorCode: QueryBudget.Interrupted })
            {
                // Nobody is left to answer; what matters is that the work stopped.
                logger.LogInformation("Stopped the database work of {Method} {Path} after {Elapsed} ms: the client went away",
                    http.Request.Method, http.Request.Path.Value, (long)budget.Elapsed.TotalMilliseconds);
            }
            catch (Exception exception) when (exception is SqliteException { SqliteErrorCode: QueryBudget.Interrupted } || (budget.Exceeded && exception is OperationCanceledException))
            {
                // An interrupted statement, or an export that was waiting on its client when the budget ran out.
                // The path only: a query string may hold what must never reach a log.
                logger.LogWarning("Stopped {Method} {Path} at its time budget of {Budget} ms",
                    http.Request.Method, http.Request.Path.Value, (long)budget.Allowed.TotalMilliseconds);
                if (http.Response.HasStarted)
                {
                    // An export already streaming: end the connection without the stream's proper end (the
                    // last chunk), so that the client sees an incomplete download, never a short file.
                    http.Abort();
                    return;
                }
                http.Response.Clear();
                await Problems.TimeBudgetExceeded(
                    $"The request's database work took longer than its time budget of {Describe(budget.Allowed)} and was stopped. " +
                    "Narrow it and ask again: a more specific q (fewer OR terms, longer prefixes), filters such as outlet, author, topic, " +
                    "language or from/to, a smaller export, or without count=true and facet=.",
                    options.RetryAfter).ExecuteAsync(http);
            }
        });
    }

    private static string Describe(TimeSpan time) =>
        time < TimeSpan.FromSeconds(1)
            ? $"{time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
            : $"{time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
