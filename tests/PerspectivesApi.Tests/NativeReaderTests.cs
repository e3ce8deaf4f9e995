using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>The kept sessions read through their own statements (<see cref="NativeStatement"/>, <see cref="NativeReader"/>):
/// every value, type and error must be what Microsoft.Data.Sqlite's own reader gives for the same SQL on the same file,
/// since Dapper maps rows by what the reader says of each column.</summary>
[Trait("Engine", "Sqlite")]
public sealed class NativeReaderTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("perspectives-native-").FullName;
    private readonly Database database;

    public NativeReaderTests()
    {
        database = new Database(Path.Combine(directory, "native.db"), busyTimeoutSeconds: 1, keepStatements: true);
        using var setup = Plain();
        setup.Execute("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE v (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB, d DATE, c VARCHAR(20), untyped);
            INSERT INTO v VALUES
              (1, 42, 1.5, 'plain', x'00ff10', '2025-07-01', 'short', 7),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (3, -9223372036854775808, -0.0, '“Кремль” — 🇦🇿 Baku', x'', '2025', 'x', 'text in an untyped column'),
              (4, 9223372036854775807, 1e308, '', NULL, NULL, '', 2.25),
              (5, 'not a number', 3, 12, 'text in a blob column', 20250701, 5, x'01');
            """);
    }

    public static TheoryData<string> Queries =>
    [
        "SELECT * FROM v ORDER BY id",
        "SELECT t, n + 1 AS m, (SELECT count(*) FROM v) AS counted, NULL AS absent, r * 2, typeof(untyped) FROM v ORDER BY id DESC",
        "SELECT id FROM v WHERE id > 100",
        "SELECT count(*), max(t), group_concat(c, '|') FROM v",
        "SELECT n, t FROM v WHERE id IN (2, 4) ORDER BY id",
    ];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Every_column_of_every_row_reads_as_Microsoft_Data_Sqlite_reads_it(string sql)
    {
        await using var kept = await database.OpenAsync();
        using var plain = Plain();
        await using var command = kept.CreateCommand();
        command.CommandText = sql;
        await using var ours = await command.ExecuteReaderAsync();
        await using var theirs = await plain.ExecuteReaderAsync(sql);
        Assert.IsType<NativeReader>(ours);

        Assert.Equal(theirs.FieldCount, ours.FieldCount);
        Assert.Equal(theirs.HasRows, ours.HasRows);
        var rows = 0;
        while (true)
        {
            var more = await theirs.ReadAsync();
            Assert.Equal(more, await ours.ReadAsync());
            if (!more) break;
            rows++;
            for (var i = 0; i < theirs.FieldCount; i++)
            {
                Assert.Equal(theirs.GetName(i), ours.GetName(i));
                Assert.Equal(theirs.GetFieldType(i), ours.GetFieldType(i));
                Assert.Equal(theirs.GetDataTypeName(i), ours.GetDataTypeName(i));
                Assert.Equal(theirs.IsDBNull(i), ours.IsDBNull(i));
                Assert.Equal(theirs.GetValue(i), ours.GetValue(i));
                if (!theirs.IsDBNull(i)) Assert.Equal(theirs.GetString(i), ours.GetString(i));
            }
        }
        Assert.False(await ours.ReadAsync());
        Assert.Equal(rows, (await plain.QueryAsync(sql)).Count());
    }

    private sealed class Typed
    {
        public long Id { get; init; }
        public long? N { get; init; }
        public double? R { get; init; }
        public string? T { get; init; }
        public string? C { get; init; }
        public int Counted { get; init; }
    }

    [Fact]
    public async Task Dapper_maps_rows_to_types_as_it_does_through_Microsoft_Data_Sqlite()
    {
        const string sql = "SELECT id, n, r, t, c, (SELECT count(*) FROM v) AS counted FROM v WHERE id IN @ids ORDER BY id";
        await using var kept = await database.OpenAsync();
        using var plain = Plain();
        var ids = new[] { 1L, 2L, 4L };
        // Read twice, so the second run is the kept statement bound anew.
        for (var run = 0; run < 2; run++)
        {
            var ours = (await kept.QueryAsync<Typed>(sql, new { ids })).ToList();
            var theirs = (await plain.QueryAsync<Typed>(sql, new { ids })).ToList();
            Assert.Equal(3, ours.Count);
            Assert.Equivalent(theirs, ours, strict: true);
            Assert.Null(ours[1].N);
            Assert.Equal("“Кремль” — 🇦🇿 Baku", (await kept.QuerySingleAsync<string>("SELECT t FROM v WHERE id = @id", new { id = 3 })));
        }
    }

    [Theory]
    [InlineData("SELECT t FROM v WHERE id = @id", "id")]
    [InlineData("SELECT t FROM v WHERE id = @id", "@id")]
    [InlineData("SELECT t FROM v WHERE id = :id", "id")]
    [InlineData("SELECT t FROM v WHERE id = $id", "id")]
    public async Task A_parameter_binds_by_its_name_with_or_without_its_prefix(string sql, string name)
    {
        await using var kept = await database.OpenAsync();
        var parameters = new DynamicParameters();
        parameters.Add(name, 1L);
        parameters.Add("unused", "left out, as Microsoft.Data.Sqlite leaves it");
        Assert.Equal("plain", await kept.ExecuteScalarAsync<string>(sql, parameters));
    }

    [Fact]
    public async Task Bound_values_of_each_kind_compare_as_Microsoft_Data_Sqlite_binds_them()
    {
        const string sql = "SELECT @text, @long, @int, @bool, @double, @blob, @nothing, typeof(@bool), typeof(@nothing), @text = 'Ерева́н 🇦🇲'";
        var values = new { text = "Ерева́н 🇦🇲", @long = long.MinValue, @int = -7, @bool = true, @double = 0.1, blob = new byte[] { 0, 1, 255 }, nothing = (string?)null };
        await using var kept = await database.OpenAsync();
        using var plain = Plain();
        var ours = (IDictionary<string, object>)(await kept.QuerySingleAsync(sql, values));
        var theirs = (IDictionary<string, object>)(await plain.QuerySingleAsync(sql, values));
        Assert.Equal(theirs, ours);
        Assert.Equal(1L, ours["@text = 'Ерева́н 🇦🇲'"]);
        // A long text goes through a rented buffer rather than the stack.
        var longText = string.Concat(Enumerable.Repeat("Кремль ", 500));
        Assert.Equal(longText, await kept.ExecuteScalarAsync<string>("SELECT @longText", new { longText }));
    }

    [Fact]
    public async Task Errors_are_the_same_exceptions_as_Microsoft_Data_Sqlite_throws()
    {
        await using var kept = await database.OpenAsync();
        using var plain = Plain();
        // A statement parameter given no value.
        await Assert.ThrowsAsync<InvalidOperationException>(() => kept.QueryAsync<long>("SELECT id FROM v WHERE id = @missing"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => plain.QueryAsync<long>("SELECT id FROM v WHERE id = @missing"));
        // SQL SQLite refuses, and a constraint it enforces at run time.
        var ours = await Assert.ThrowsAsync<SqliteException>(() => kept.QueryAsync<long>("SELECT nope FROM v"));
        var theirs = await Assert.ThrowsAsync<SqliteException>(() => plain.QueryAsync<long>("SELECT nope FROM v"));
        Assert.Equal(theirs.SqliteErrorCode, ours.SqliteErrorCode);
        ours = await Assert.ThrowsAsync<SqliteException>(() => kept.QueryAsync<long>("INSERT INTO v (id) VALUES (1) RETURNING id"));
        theirs = await Assert.ThrowsAsync<SqliteException>(() => plain.QueryAsync<long>("INSERT INTO v (id) VALUES (1) RETURNING id"));
        Assert.Equal(theirs.SqliteErrorCode, ours.SqliteErrorCode);
        Assert.Equal(19, ours.SqliteErrorCode); // SQLITE_CONSTRAINT
        // The session is still at rest and serves the next read.
        Assert.Equal(5, await kept.ExecuteScalarAsync<long>("SELECT count(*) FROM v"));
    }

    [Fact]
    public async Task A_script_or_a_value_it_cannot_bind_goes_to_Microsoft_Data_Sqlite_with_the_same_answer()
    {
        await using var kept = await database.OpenAsync();
        var session = ((SqliteSession)kept).Session;
        // Two statements: the reader runs them all, as Microsoft.Data.Sqlite's does.
        Assert.Equal(2, await kept.ExecuteScalarAsync<long>("UPDATE v SET c = c WHERE id = 1; SELECT 2"));
        Assert.Null(session.Kept("UPDATE v SET c = c WHERE id = 1; SELECT 2"));
        // A date is bound by Microsoft.Data.Sqlite's rules (as text), not here.
        Assert.Equal("2025-07-01 00:00:00", await kept.ExecuteScalarAsync<string>("SELECT @day", new { day = new DateTime(2025, 7, 1) }));
        // One statement with values it binds: kept.
        Assert.Equal(1, await kept.ExecuteScalarAsync<long>("SELECT count(*) FROM v WHERE id = @id", new { id = 1 }));
        Assert.NotNull(session.Kept("SELECT count(*) FROM v WHERE id = @id"));
    }

    [Fact]
    public async Task A_reader_left_open_keeps_its_session_from_being_lent_again()
    {
        SQLitePCL.sqlite3 handle;
        await using (var connection = await database.OpenAsync())
        {
            handle = ((SqliteSession)connection).Session.Connection.Handle!;
            var reader = await connection.ExecuteReaderAsync("SELECT id FROM v ORDER BY id");
            Assert.True(await reader.ReadAsync());
            // Given back with its reader still open: the session is closed, not lent with a read transaction open.
        }
        await using var next = await database.OpenAsync();
        Assert.NotSame(handle, ((SqliteSession)next).Session.Connection.Handle);
        Assert.Equal(5, await next.ExecuteScalarAsync<long>("SELECT count(*) FROM v"));
    }

    private SqliteConnection Plain()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "native.db"), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
