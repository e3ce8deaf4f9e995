using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using PerspectivesApi.Curation;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The real service binary on real Kestrel at 127.0.0.1, in its own process over its own SQLite
/// file, or, when the tests run on PostgreSQL (ARCHIVE_TEST_PROVIDER), over its own new PostgreSQL database.
/// For what TestServer cannot show: body size limits, request timeouts, slow clients, connections
/// dropped mid-request, and the process being killed.</summary>
public sealed class RealServer : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-kestrel-").FullName;
    private readonly Dictionary<string, string> settings;
    private readonly TestPostgres? postgres;
    private Database? archive;
    private readonly StringBuilder output = new();
    private Process? process;

    /// <param name="settings">Configuration as environment variables (<c>RateLimiting__Enabled</c>), beside the defaults below.</param>
    private RealServer(Dictionary<string, string> settings, TestPostgres? postgres)
    {
        this.settings = settings;
        this.postgres = postgres;
        Port = FreePort();
    }

    /// <summary>The SQLite file the server serves (when it is not on PostgreSQL).</summary>
    public string DatabasePath => Path.Combine(directory, "archive.db");

    /// <summary>Whether the server is on PostgreSQL.</summary>
    public bool OnPostgres => postgres is not null;

    /// <summary>The archive the server serves, for the test's own connections (created on first use).</summary>
    public Database Archive => archive ??= postgres is null ? new Database(DatabasePath, pooling: false) : Database.ForPostgres(postgres.ConnectionString);

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the process wrote to stdout and stderr so far, for failure messages.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>Waits until the process has written <paramref name="text"/> (its log lines arrive a little
    /// after the responses they are about), and fails with everything it wrote if it never does.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"The service never wrote \"{text}\". It wrote:\n{Output}");
            await Task.Delay(50);
        }
    }

    public int ProcessId => process?.Id ?? throw new InvalidOperationException("Not started.");

    public bool HasExited => process?.HasExited ?? true;

    /// <param name="archive">A generated archive to serve a copy of, instead of a new one that the service
    /// seeds with the curated corpus: a copy of its file, or on PostgreSQL a new database made from its template.</param>
    public static async Task<RealServer> StartAsync(IDictionary<string, string>? settings = null, GeneratedArchive? archive = null)
    {
        var postgres = TestPostgres.Enabled ? TestPostgres.Create(archive?.PostgresTemplate) : null;
        var server = new RealServer(new Dictionary<string, string>(settings ?? new Dictionary<string, string>()), postgres);
        if (archive is not null && postgres is null)
        {
            SqliteConnection.ClearAllPools(); // the generator's connections must not hold the file being copied
            File.Copy(archive.Path, server.DatabasePath);
        }
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>A synthetic archive of <paramref name="articles"/> articles, made by the binary's own <c>generate</c>
    /// command (about 1 s per 1,000 articles): at <paramref name="path"/>, as one self-contained SQLite file, or, with
    /// <paramref name="postgresConnectionString"/>, in that (empty) PostgreSQL database.</summary>
    public static async Task GenerateArchiveAsync(string path, int articles, int seed = 1, string? postgresConnectionString = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServiceAssembly(), "generate", "--articles", articles.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = Path.GetDirectoryName(path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment[DatabaseOptions.EnvironmentVariable] = path;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (postgresConnectionString is not null)
        {
            start.Environment["Database__Provider"] = "PostgreSQL";
            start.Environment["Database__ConnectionString"] = postgresConnectionString;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"generate exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        if (postgresConnectionString is not null) return;
        // Fold the write-ahead log into the file, so that copying the file alone copies the archive.
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>What the server does over <paramref name="period"/> while nobody asks it anything: the CPU
    /// time it used, and in what share of samples (every 20 ms) any of its threads was running or waiting
    /// for a core (state R in /proc/&lt;pid&gt;/task/*/stat). The second does not depend on how busy the
    /// machine is: work that keeps going is runnable even while other processes hold the cores.</summary>
    public async Task<ServerActivity> ObserveAsync(TimeSpan period)
    {
        var cpuBefore = CpuTime;
        var samples = 0;
        var busy = 0;
        var end = DateTime.UtcNow + period;
        while (DateTime.UtcNow < end)
        {
            samples++;
            if (AnyThreadRunnable()) busy++;
            await Task.Delay(20);
        }
        return new ServerActivity(CpuTime - cpuBefore, (double)busy / samples);
    }

    private bool AnyThreadRunnable()
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{ProcessId}/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread ended meanwhile
            // "pid (name) S …": the state follows the name, which may itself hold spaces and parentheses.
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state == "R") return true;
        }
        return false;
    }

    /// <summary>The CPU time the server process has used so far (user and system, from /proc/&lt;pid&gt;/stat).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process!.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public HttpClient CreateClient(TimeSpan? timeout = null) => new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };

    /// <summary>A socket to the server, for requests written by hand (trickled, chunked, malformed).</summary>
    public Task<RawHttp> ConnectAsync() => RawHttp.ConnectAsync(BaseAddress);

    /// <summary>A curator key, written straight into the archive.</summary>
    public async Task<string> CreateCuratorKeyAsync(string name)
    {
        var (_, secret) = await new ApiKeys(Archive).CreateAsync($"{name}-{Guid.NewGuid():N}"[..24]);
        return secret;
    }

    /// <summary>A connection to the server's archive, for checking what it wrote.</summary>
    public Task<DbConnection> OpenDatabaseAsync() => Archive.OpenAsync();

    /// <summary>SIGKILL: the process ends at once, mid-write if it was writing.</summary>
    public async Task KillAsync()
    {
        process!.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host's graceful shutdown.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (kill(process!.Id, Sigterm) != 0) throw new InvalidOperationException("kill(SIGTERM) failed.");
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
    }

    /// <summary>Starts the binary again over the same file and port (after a kill).</summary>
    public Task RestartAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServiceAssembly(), "--urls", BaseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment[DatabaseOptions.EnvironmentVariable] = DatabasePath;
        if (postgres is not null)
        {
            start.Environment["Database__Provider"] = "PostgreSQL";
            start.Environment["Database__ConnectionString"] = postgres.ConnectionString;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The tests of limits share one client address: the rate limiter has its own tests.
        start.Environment["RateLimiting__Enabled"] = "false";
        foreach (var (name, value) in settings) start.Environment[name] = value;

        process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = CreateClient(TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}:\n{Output}");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The service was not ready within 90 s:\n{Output}");
    }

    /// <summary>The service's own build output, in the configuration the tests were built in.</summary>
    private static string ServiceAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // …/bin/<Configuration>/net10.0/
        var path = Path.Combine(ContractTests.RepositoryRoot(), "src", "PerspectivesApi", "bin", configuration, "net10.0", "PerspectivesApi.dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"The service is not built at {path}.");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int Sigterm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        archive?.Dispose();
        SqliteConnection.ClearAllPools();
        postgres?.Dispose();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>What a server did over a period: <see cref="CpuTime"/> used, and the share of samples in which
/// it had a thread running or runnable.</summary>
public sealed record ServerActivity(TimeSpan CpuTime, double RunnableShare);
