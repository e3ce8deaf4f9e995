using System.Runtime.InteropServices;

namespace PerspectivesApi.Data;

/// <summary>The few SQLite calls the kept statements make (<see cref="NativeStatement"/>), straight into the library
/// Microsoft.Data.Sqlite loads (e_sqlite3), on raw handles. Through SQLitePCL.raw each call goes through a provider
/// interface and marshals a SafeHandle (an atomic AddRef and Release), two or three per column read: 5–8% of a list's
/// CPU (bench/PERF.md). The column reads neither block nor call back into .NET, so they also skip the transition to
/// preemptive GC mode (<see cref="SuppressGCTransitionAttribute"/>); <see cref="sqlite3_step"/> and
/// <see cref="sqlite3_prepare_v3"/> keep it, since they run the query (and the budget's progress handler, which is .NET code).</summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    public const int Ok = 0, Row = 100, Done = 101;
    public const int Busy = 5, Locked = 6, LockedSharedCache = Locked | (1 << 8);
    public const int Integer = 1, Float = 2, Text = 3, Blob = 4, Null = 5;
    public const uint PreparePersistent = 0x01;
    public const int StatusReprepare = 5;

    /// <summary>SQLITE_TRANSIENT: SQLite copies a bound text or blob before the call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Library)]
    public static partial int sqlite3_prepare_v3(IntPtr db, byte* sql, int bytes, uint flags, out IntPtr statement, out byte* tail);

    [LibraryImport(Library)]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_finalize(IntPtr statement);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_reset(IntPtr statement);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_clear_bindings(IntPtr statement);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_stmt_status(IntPtr statement, int op, int reset);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_parameter_count(IntPtr statement);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* sqlite3_bind_parameter_name(IntPtr statement, int index);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_null(IntPtr statement, int index);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_text(IntPtr statement, int index, byte* text, int bytes, IntPtr destructor);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_bind_blob(IntPtr statement, int index, byte* blob, int bytes, IntPtr destructor);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_column_count(IntPtr statement);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* sqlite3_column_name(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* sqlite3_column_decltype(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_column_type(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial long sqlite3_column_int64(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial double sqlite3_column_double(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* sqlite3_column_text(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* sqlite3_column_blob(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_column_bytes(IntPtr statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int sqlite3_changes(IntPtr db);

    /// <summary>A NUL-terminated UTF-8 string SQLite owns, as .NET text; null for a null pointer.</summary>
    public static string? Utf8(byte* text) => text is null ? null : System.Text.Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));

    /// <summary>Whether a step's result means another connection holds a lock the statement needs.</summary>
    public static bool IsBusy(int rc) => rc is Busy or Locked or LockedSharedCache;
}
