using System.Buffers;
using System.Collections;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using static PerspectivesApi.Data.SqliteNative;

namespace PerspectivesApi.Data;

/// <summary>One SQL statement compiled once on a kept session (<see cref="SqliteSessions.Session"/>) and run again
/// with new parameters, read through <see cref="NativeReader"/>. What it knows of itself (column names, declared types,
/// where each parameter goes) is looked up once, not on every run: Dapper asks every reader for each column's name and
/// type, which Microsoft.Data.Sqlite fetched and converted from SQLite anew each time, and its parameters were bound by
/// searching the statement's names (bench/PERF.md).</summary>
internal sealed unsafe class NativeStatement : IDisposable
{
    private readonly Dictionary<string, int> parameters = new(StringComparer.Ordinal);
    private string[] names = [];
    private string?[] declaredTypes = [];
    private int reprepared;

    private NativeStatement(string sql, IntPtr handle)
    {
        Sql = sql;
        Handle = handle;
        var count = sqlite3_bind_parameter_count(handle);
        for (var i = 1; i <= count; i++)
            parameters[Utf8(sqlite3_bind_parameter_name(handle, i)) ?? throw new InvalidOperationException("unreachable: checked by Prepare")] = i;
        ParameterCount = count;
        Describe();
    }

    public string Sql { get; }

    /// <summary>The sqlite3_stmt; zero once finalized.</summary>
    public IntPtr Handle { get; private set; }

    /// <summary>A reader of it is open: the same SQL nested in itself gets a statement of its own.</summary>
    public bool Busy { get; set; }

    public int ParameterCount { get; }
    public int ColumnCount => names.Length;
    public string Name(int column) => names[column];
    public string? DeclaredType(int column) => declaredTypes[column];

    /// <summary>Compiles <paramref name="sql"/> on the connection; null when the text is not one statement with named
    /// parameters (a script of several, or <c>?</c> placeholders), which Microsoft.Data.Sqlite's own command then runs.</summary>
    public static NativeStatement? Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle!.DangerousGetHandle();
        var length = Encoding.UTF8.GetByteCount(sql);
        var rented = ArrayPool<byte>.Shared.Rent(length + 1);
        try
        {
            Encoding.UTF8.GetBytes(sql, rented);
            rented[length] = 0;
            IntPtr handle;
            fixed (byte* text = rented)
            {
                var rc = sqlite3_prepare_v3(db, text, length + 1, PreparePersistent, out handle, out var tail);
                // An error in the SQL is the code's own: Microsoft.Data.Sqlite's command reports it (the same exception) from there.
                if (rc != Ok || handle == IntPtr.Zero) return FinalizedNull(handle);
                // A second statement after the first: a script, which Microsoft.Data.Sqlite's command runs whole.
                if (new ReadOnlySpan<byte>(tail, length - (int)(tail - text)).TrimStart(" \t\r\n;"u8).Length > 0) return FinalizedNull(handle);
            }
            var count = sqlite3_bind_parameter_count(handle);
            for (var i = 1; i <= count; i++)
                if (sqlite3_bind_parameter_name(handle, i) is null) return FinalizedNull(handle);
            return new NativeStatement(sql, handle);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static NativeStatement? FinalizedNull(IntPtr handle)
    {
        if (handle != IntPtr.Zero) sqlite3_finalize(handle);
        return null;
    }

    /// <summary>Whether every parameter can be bound here, as Microsoft.Data.Sqlite would bind it: null, text, integers,
    /// booleans (0 or 1), floating point and byte arrays. Anything else (a date, a GUID, a decimal) goes to its command.</summary>
    public static bool CanBind(DbParameterCollection values)
    {
        foreach (DbParameter parameter in values)
        {
            if (parameter.Value is null or DBNull or string or long or int or short or byte or sbyte or ushort or uint or bool or double or float or byte[]) continue;
            return false;
        }
        return true;
    }

    /// <summary>Ready to run again with <paramref name="values"/>, each bound by name: <c>@name</c>, or <c>name</c>
    /// matching <c>@name</c>, <c>$name</c> or <c>:name</c> (Microsoft.Data.Sqlite's rule). A value the statement does
    /// not name is left out; a parameter of the statement given no value is an error, as there.</summary>
    public void Bind(DbParameterCollection values)
    {
        var h = Handle;
        sqlite3_reset(h);
        sqlite3_clear_bindings(h);
        var bound = 0;
        foreach (DbParameter parameter in values)
        {
            var index = IndexOf(parameter.ParameterName);
            if (index == 0) continue;
            bound++;
            var rc = parameter.Value switch
            {
                null or DBNull => sqlite3_bind_null(h, index),
                string text => BindText(h, index, text),
                long n => sqlite3_bind_int64(h, index, n),
                int n => sqlite3_bind_int64(h, index, n),
                short n => sqlite3_bind_int64(h, index, n),
                byte n => sqlite3_bind_int64(h, index, n),
                sbyte n => sqlite3_bind_int64(h, index, n),
                ushort n => sqlite3_bind_int64(h, index, n),
                uint n => sqlite3_bind_int64(h, index, n),
                bool b => sqlite3_bind_int64(h, index, b ? 1 : 0),
                double d => sqlite3_bind_double(h, index, d),
                float f => sqlite3_bind_double(h, index, f),
                byte[] blob => BindBlob(h, index, blob),
                var other => throw new NotSupportedException($"unreachable: CanBind refuses {other.GetType()}"),
            };
            if (rc != Ok) throw new SqliteException($"binding {parameter.ParameterName} failed", rc);
        }
        if (bound < ParameterCount) throw new InvalidOperationException($"Must add values for the parameters of: {Sql}");
    }

    private int IndexOf(string name)
    {
        if (parameters.TryGetValue(name, out var index)) return index;
        if (name.Length > 0 && name[0] is '@' or '$' or ':') return 0;
        foreach (var prefix in "@$:")
            if (parameters.TryGetValue(prefix + name, out index)) return index;
        return 0;
    }

    private static int BindText(IntPtr h, int index, string text)
    {
        // Short texts (ids, dates, a search) from the stack; SQLite copies them (SQLITE_TRANSIENT).
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            fixed (byte* bytes = buffer) return sqlite3_bind_text(h, index, bytes, written, Transient);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int BindBlob(IntPtr h, int index, byte[] blob)
    {
        fixed (byte* bytes = blob) return sqlite3_bind_blob(h, index, bytes, blob.Length, Transient);
    }

    /// <summary>After the first step of a run: SQLite compiles a statement again by itself when the schema changed
    /// (a migration, another connection's ALTER TABLE), and then its columns may be others.</summary>
    public void Refresh()
    {
        var now = sqlite3_stmt_status(Handle, StatusReprepare, 0);
        if (now == reprepared) return;
        reprepared = now;
        Describe();
    }

    private void Describe()
    {
        var count = sqlite3_column_count(Handle);
        names = new string[count];
        declaredTypes = new string?[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Utf8(sqlite3_column_name(Handle, i)) ?? "";
            declaredTypes[i] = Utf8(sqlite3_column_decltype(Handle, i));
        }
    }

    public void Dispose()
    {
        if (Handle == IntPtr.Zero) return;
        sqlite3_finalize(Handle);
        Handle = IntPtr.Zero;
    }
}

/// <summary>The rows of one run of a <see cref="NativeStatement"/>, with the values and types Microsoft.Data.Sqlite's
/// reader gives (INTEGER as long, REAL as double, TEXT as string, BLOB as byte[], NULL as DBNull; a NULL column's type
/// from an earlier row, else from its declared type's affinity), so that Dapper maps them the same way.</summary>
internal sealed unsafe class NativeReader : DbDataReader
{
    private readonly NativeStatement statement;
    private readonly SqliteSessions.Session session;
    private readonly bool owned;
    private readonly IntPtr handle;
    private readonly int?[] typeCache;
    private readonly bool hasRows;
    private bool first = true, onRow, closed;

    /// <summary>Runs the bound statement to its first row (or its end), waiting out another connection's lock as
    /// Microsoft.Data.Sqlite does: stepped again every 150 ms until <paramref name="timeoutSeconds"/> (0: forever).</summary>
    public NativeReader(NativeStatement statement, SqliteSessions.Session session, int timeoutSeconds, bool owned)
    {
        this.statement = statement;
        this.session = session;
        this.owned = owned;
        var connection = session.Connection;
        handle = statement.Handle;
        statement.Busy = true;
        try
        {
            var started = Stopwatch.GetTimestamp();
            int rc;
            while (IsBusy(rc = sqlite3_step(handle)))
            {
                if (timeoutSeconds != 0 && Stopwatch.GetElapsedTime(started).TotalSeconds >= timeoutSeconds) break;
                sqlite3_reset(handle);
                Thread.Sleep(150);
            }
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            hasRows = onRow = rc == Row;
            RecordsAffected = sqlite3_column_count(handle) == 0 ? sqlite3_changes(connection.Handle!.DangerousGetHandle()) : -1;
            statement.Refresh();
            typeCache = new int?[statement.ColumnCount];
        }
        catch
        {
            Close();
            throw;
        }
    }

    public override int FieldCount => statement.ColumnCount;
    public override int RecordsAffected { get; }
    public override bool HasRows => hasRows;
    public override bool IsClosed => closed;
    public override int Depth => 0;

    public override bool Read()
    {
        // Closed, or its session closed under it (given back with the reader still open).
        ObjectDisposedException.ThrowIf(closed || statement.Handle == IntPtr.Zero, this);
        if (first)
        {
            first = false;
            return onRow;
        }
        if (!onRow) return false;
        var rc = sqlite3_step(handle);
        SqliteException.ThrowExceptionForRC(rc, session.Connection.Handle);
        return onRow = rc == Row;
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<bool>(cancellationToken) : Read() ? True : False;

    private static readonly Task<bool> True = Task.FromResult(true), False = Task.FromResult(false);

    public override bool NextResult() => false;

    public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => False;

    public override void Close()
    {
        if (closed) return;
        closed = true;
        session.Release(statement, owned);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    public override string GetName(int ordinal) => statement.Name(ordinal);

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < FieldCount; i++)
            if (statement.Name(i) == name) return i;
        for (var i = 0; i < FieldCount; i++)
            if (string.Equals(statement.Name(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentOutOfRangeException(nameof(name), name, null);
    }

    /// <summary>The storage class of a column's value in the current row.</summary>
    private int TypeOf(int ordinal)
    {
        if (!onRow) throw new InvalidOperationException("No data exists for the row/column.");
        return StorageClass(ordinal);
    }

    /// <summary>As <see cref="TypeOf"/>, NULL before the first row and after the last: what a column's type is read
    /// from there (Dapper asks for the types of an empty result's columns).</summary>
    private int StorageClass(int ordinal)
    {
        if ((uint)ordinal >= (uint)FieldCount) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, null);
        return onRow ? sqlite3_column_type(handle, ordinal) : Null;
    }

    public override Type GetFieldType(int ordinal)
    {
        var type = StorageClass(ordinal);
        if (type == Null) type = typeCache[ordinal] ?? Affinity(statement.DeclaredType(ordinal));
        else typeCache[ordinal] = type;
        return type switch { Integer => typeof(long), Float => typeof(double), Text => typeof(string), _ => typeof(byte[]) };
    }

    /// <summary>SQLite's column affinity of a declared type (datatype3.html §3.1), as Microsoft.Data.Sqlite reads it.</summary>
    private static int Affinity(string? declared) =>
        declared is null ? Blob
        : Has(declared, "INT") ? Integer
        : Has(declared, "CHAR") || Has(declared, "CLOB") || Has(declared, "TEXT") ? Text
        : Has(declared, "BLOB") ? Blob
        : Has(declared, "REAL") || Has(declared, "FLOA") || Has(declared, "DOUB") ? Float
        : Text;

    private static bool Has(string declared, string part) => declared.Contains(part, StringComparison.OrdinalIgnoreCase);

    public override string GetDataTypeName(int ordinal)
    {
        if (statement.DeclaredType(ordinal) is { } declared)
            return declared.IndexOf('(') is var i and >= 0 ? declared[..i] : declared;
        return StorageClass(ordinal) switch { Integer => "INTEGER", Float => "REAL", Text => "TEXT", _ => "BLOB" };
    }

    public override bool IsDBNull(int ordinal) => TypeOf(ordinal) == Null;

    public override object GetValue(int ordinal) => TypeOf(ordinal) switch
    {
        Integer => sqlite3_column_int64(handle, ordinal),
        Float => sqlite3_column_double(handle, ordinal),
        Text => Text_(ordinal),
        Blob => Blob_(ordinal),
        _ => DBNull.Value,
    };

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));

    public override int GetValues(object[] values)
    {
        var n = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    private string Text_(int ordinal)
    {
        var text = sqlite3_column_text(handle, ordinal);
        return Encoding.UTF8.GetString(text, sqlite3_column_bytes(handle, ordinal));
    }

    private byte[] Blob_(int ordinal)
    {
        var blob = sqlite3_column_blob(handle, ordinal);
        return new ReadOnlySpan<byte>(blob, sqlite3_column_bytes(handle, ordinal)).ToArray();
    }

    private void NotNull(int ordinal)
    {
        if (TypeOf(ordinal) == Null) throw new InvalidOperationException($"The data is NULL at ordinal {ordinal}. This method can't be called on NULL values. Check using IsDBNull before calling.");
    }

    public override string GetString(int ordinal)
    {
        NotNull(ordinal);
        return Text_(ordinal);
    }

    public override long GetInt64(int ordinal)
    {
        NotNull(ordinal);
        return sqlite3_column_int64(handle, ordinal);
    }

    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));
    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));
    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;
    public override char GetChar(int ordinal) => TypeOf(ordinal) == Text ? GetString(ordinal)[0] : (char)GetInt64(ordinal);

    public override double GetDouble(int ordinal)
    {
        NotNull(ordinal);
        return sqlite3_column_double(handle, ordinal);
    }

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override decimal GetDecimal(int ordinal) => TypeOf(ordinal) switch
    {
        Integer => sqlite3_column_int64(handle, ordinal),
        Float => (decimal)sqlite3_column_double(handle, ordinal),
        _ => decimal.Parse(GetString(ordinal), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture),
    };

    public override DateTime GetDateTime(int ordinal) =>
        DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public override Guid GetGuid(int ordinal) => TypeOf(ordinal) == Blob ? new Guid(Blob_(ordinal)) : Guid.Parse(GetString(ordinal));

    public override T GetFieldValue<T>(int ordinal)
    {
        if (typeof(T) == typeof(string)) return (T)(object)GetString(ordinal);
        if (typeof(T) == typeof(long)) return (T)(object)GetInt64(ordinal);
        if (typeof(T) == typeof(int)) return (T)(object)GetInt32(ordinal);
        if (typeof(T) == typeof(double)) return (T)(object)GetDouble(ordinal);
        if (typeof(T) == typeof(bool)) return (T)(object)GetBoolean(ordinal);
        return (T)GetValue(ordinal);
    }

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var blob = Blob_(ordinal);
        var available = blob.Length - dataOffset;
        if (buffer is null) return available;
        var count = Math.Min(available, length);
        Array.Copy(blob, dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        var available = text.Length - (int)dataOffset;
        if (buffer is null) return available;
        var count = Math.Min(available, length);
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);
}
