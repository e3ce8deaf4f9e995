using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PerspectivesApi.Http;

/// <summary>Secrets never leave in an answer or a log line, whatever the configuration. A curator who
/// sends a key in the wrong place (<c>?access_token=pa_…</c>, a path, a JSON field) must not see it
/// echoed in a problem, nor find it in the logs. What is redacted: anything shaped like a curator key,
/// Bearer credentials, and the value of any query parameter whose name says it carries a secret.</summary>
public static partial class Redaction
{
    public const string Marker = "REDACTED";

    /// <summary>A curator key, whole or in part (its 8-character listing prefix already identifies it).</summary>
    [GeneratedRegex(Curation.ApiKeys.SecretPrefix + "[A-Za-z0-9_-]{5,}")]
    private static partial Regex CuratorKey();

    /// <summary>A Bearer credential as an Authorization header writes it (not the "Bearer &lt;key&gt;" of a help text).</summary>
    [GeneratedRegex(@"\b(Bearer)\s+(?!<)[^\s,;""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Credentials();

    /// <summary>name=value in a URL or a query string.</summary>
    [GeneratedRegex(@"(?<=(?:^|[?&;])(?<name>[^=&;#?\s""']+)=)(?<value>[^&;#\s""']*)")]
    private static partial Regex QueryParameter();

    [GeneratedRegex("[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")]
    private static partial Regex Words();

    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "token", "key", "apikey", "secret", "password", "passwd", "pwd", "auth", "authorization", "bearer",
        "credential", "credentials", "signature", "sig", "session", "sessionid", "jwt",
    };

    /// <summary>Whether a query parameter's name says its value is a secret: <c>access_token</c>, <c>apiKey</c>,
    /// <c>key</c>, <c>password</c>… (by whole words, so that <c>author</c> is not <c>auth</c>).</summary>
    public static bool IsSecretParameter(string name) =>
        Words().Matches(name).Any(word => SecretWords.Contains(word.Value));

    /// <summary>The text with every secret it holds replaced by <see cref="Marker"/>.</summary>
    public static string Redact(string text)
    {
        if (text.Length == 0) return text;
        text = CuratorKey().Replace(text, Marker);
        text = Credentials().Replace(text, match => match.Groups[1].Value + " " + Marker);
        if (text.Contains('=')) text = QueryParameter().Replace(text, match => IsSecretParameter(match.Groups["name"].Value) ? Marker : match.Value);
        return text;
    }

    public static bool HasSecret(string? text) => text is not null && Redact(text) != text;

    /// <summary>The request's path and query, safe to show: what a problem's <c>instance</c> says.</summary>
    public static string SafeTarget(HttpRequest request)
    {
        var path = Redact(request.PathBase.Add(request.Path).ToString());
        if (request.Query.Count == 0) return path;
        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        foreach (var value in values)
            query.Add(Redact(name), IsSecretParameter(name) ? Marker : Redact(value ?? ""));
        return path + query;
    }

    /// <summary>Every text of a problem, redacted: its detail or errors may quote what the client sent.</summary>
    public static void Scrub(ProblemDetails problem)
    {
        problem.Title = problem.Title is null ? null : Redact(problem.Title);
        problem.Detail = problem.Detail is null ? null : Redact(problem.Detail);
        problem.Instance = problem.Instance is null ? null : Redact(problem.Instance);
        foreach (var (name, value) in problem.Extensions.ToList())
            if (value is string text) problem.Extensions[name] = Redact(text);
        if (problem is HttpValidationProblemDetails validation)
        {
            var errors = validation.Errors.ToList();
            validation.Errors.Clear();
            foreach (var (name, messages) in errors)
                validation.Errors[Redact(name)] = messages.Select(Redact).ToArray();
        }
    }

    /// <summary>Replaces the logger factory with one that redacts every log line, whatever the providers,
    /// levels and categories configured (the framework's own request logs include the query string).</summary>
    public static IServiceCollection AddRedactedLogging(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return services;
    }
}

/// <summary>Hands every logger out wrapped, so that no line reaches a provider unredacted. Filtering stays
/// the inner factory's: per-provider and per-category levels work as configured.</summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}

internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
    {
        string text => inner.BeginScope(Redaction.Redact(text)),
        IEnumerable<KeyValuePair<string, object?>> => inner.BeginScope(new RedactedValues(state)),
        _ => inner.BeginScope(new RedactedText(state)),
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        var values = state as IEnumerable<KeyValuePair<string, object?>>;
        var clean = !Redaction.HasSecret(message)
                    && (values is null || !values.Any(v => Redaction.HasSecret(v.Value?.ToString())))
                    && (exception is null || !Redaction.HasSecret(exception.ToString()));
        if (clean)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        inner.Log(logLevel, eventId, new RedactedValues((object?)state ?? message, Redaction.Redact(message)),
            exception is null ? null : new RedactedException(exception), static (redacted, _) => redacted.ToString());
    }
}

/// <summary>A log line's or a scope's values, redacted when read (a scope is begun on every request, and is
/// read only when a line is written with scopes).</summary>
internal sealed class RedactedValues(object state, string? message = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private IReadOnlyList<KeyValuePair<string, object?>>? values;

    private IReadOnlyList<KeyValuePair<string, object?>> Values =>
        values ??= ((state as IEnumerable<KeyValuePair<string, object?>>) ?? []).Select(Redacted).ToList();

    public KeyValuePair<string, object?> this[int index] => Values[index];

    public int Count => Values.Count;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message ?? Redaction.Redact(state.ToString() ?? "");

    private static KeyValuePair<string, object?> Redacted(KeyValuePair<string, object?> pair) =>
        pair.Value?.ToString() is { } text && Redaction.HasSecret(text) ? new(pair.Key, Redaction.Redact(text)) : pair;
}

internal sealed class RedactedText(object state)
{
    public override string ToString() => Redaction.Redact(state.ToString() ?? "");
}

/// <summary>An exception as logged: its text redacted (a bad request's message may quote the request line).</summary>
internal sealed class RedactedException(Exception inner) : Exception(Redaction.Redact(inner.Message))
{
    public override string? StackTrace => null;

    public override string ToString() => Redaction.Redact(inner.ToString());
}
