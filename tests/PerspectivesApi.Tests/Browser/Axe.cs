using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace PerspectivesApi.Tests.Browser;

/// <summary>axe-core (npm), the accessibility engine: injected into a page and run there. .ci/run installs it
/// into a cache folder (<c>AXE_CORE_DIR</c>); a test run without it installs it there with npm, once.</summary>
public static class Axe
{
    public const string Version = "4.14.1";

    /// <summary>Where axe-core is installed: <c>AXE_CORE_DIR</c>, else a folder of the user's cache.</summary>
    public static string Directory => Environment.GetEnvironmentVariable("AXE_CORE_DIR") is { Length: > 0 } configured
        ? configured
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "perspectives-archive", $"axe-core-{Version}");

    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static string? script;

    /// <summary>One problem axe found: its rule, how serious it is, what it asks for and where.</summary>
    public sealed record Violation(string Id, string? Impact, string Help, IReadOnlyList<string> Targets)
    {
        public override string ToString() => $"{Impact} {Id}: {Help} ({string.Join("; ", Targets.Take(5))})";
    }

    /// <summary>Every violation of the WCAG 2.x A and AA rules (and axe's best practices) on the page as it is now.</summary>
    public static async Task<IReadOnlyList<Violation>> RunAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, as the page's own policy forbids any script.
        await page.EvaluateAsync(await ScriptAsync());
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) }))
            """);
        return violations.EnumerateArray().Select(v => new Violation(
            v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString(), v.GetProperty("help").GetString()!,
            v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList())).ToList();
    }

    private static async Task<string> ScriptAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (script is not null) return script;
            var path = Path.Combine(Directory, "node_modules", "axe-core", "axe.min.js");
            if (!File.Exists(path))
            {
                var npm = Process.Start(new ProcessStartInfo("npm")
                {
                    ArgumentList = { "install", "--prefix", Directory, "--no-save", "--no-audit", "--no-fund", $"axe-core@{Version}" },
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                }) ?? throw new InvalidOperationException("npm did not start.");
                var output = npm.StandardOutput.ReadToEndAsync();
                var errors = npm.StandardError.ReadToEndAsync();
                await npm.WaitForExitAsync();
                Assert.True(npm.ExitCode == 0 && File.Exists(path), $"npm could not install axe-core {Version} into {Directory}:\n{await output}\n{await errors}");
            }
            return script = await File.ReadAllTextAsync(path);
        }
        finally
        {
            Installing.Release();
        }
    }
}
