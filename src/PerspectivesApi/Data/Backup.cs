using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace PerspectivesApi.Data;

public static class Backup
{
    /// <summary>Pages copied per step: a few megabytes, some milliseconds of work.</summary>
    private const int PagesPerStep = 1024;

    /// <summary>Copies the whole of <paramref name="source"/> into <paramref name="destination"/> with
    /// SQLite's online backup API, a step of pages at a time. The copy runs no statement, so nothing
    /// interrupts it inside SQLite: between steps it stops, like a statement would, when the budget of the
    /// source's request is spent or its client has gone. The source holds one read transaction throughout,
    /// so every step copies the same snapshot while curators keep writing.</summary>
    public static void BackupTo(this SqliteConnection source, SqliteConnection destination)
    {
        var budget = QueryBudget.Of(source);
        using var snapshot = source.BeginTransaction(deferred: true);
        using (var read = source.CreateCommand())
        {
            // A deferred transaction begins reading at its first statement.
            read.CommandText = "SELECT count(*) FROM sqlite_schema";
            read.ExecuteScalar();
        }

        var backup = sqlite3_backup_init(destination.Handle, "main", source.Handle, "main");
        if (backup is null) SqliteException.ThrowExceptionForRC(sqlite3_errcode(destination.Handle), destination.Handle);
        try
        {
            int result;
            do
            {
                budget?.ThrowIfStopped();
                result = sqlite3_backup_step(backup, PagesPerStep);
            }
            while (result == SQLITE_OK);
            if (result != SQLITE_DONE) SqliteException.ThrowExceptionForRC(result, destination.Handle);
        }
        finally
        {
            sqlite3_backup_finish(backup);
        }
    }
}
