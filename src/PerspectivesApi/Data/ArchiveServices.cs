using Dapper;
using PerspectivesApi.Http;

namespace PerspectivesApi.Data;

public static class ArchiveServices
{
    /// <summary>The database, its start-up work and the readers every endpoint shares.</summary>
    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Columns are snake_case, C# properties PascalCase: let Dapper match published_date to PublishedDate.
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (Environment.GetEnvironmentVariable(DatabaseOptions.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            options.Path = fromEnvironment;
        services.AddSingleton(options);
        if (options.Provider == DatabaseProvider.PostgreSQL)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new InvalidOperationException("Database:Provider is PostgreSQL but Database:ConnectionString is not set.");
            services.AddSingleton(_ => Database.ForPostgres(options.ConnectionString, options.BusyTimeoutSeconds, options.Reads));
        }
        else
        {
            var path = Path.IsPathRooted(options.Path) ? options.Path : Path.Combine(environment.ContentRootPath, options.Path);
            // Made by the container, so that it is disposed with the application (its kept connections closed).
            services.AddSingleton(_ => new Database(path, options.BusyTimeoutSeconds, keepStatements: true));
        }
        services.AddSingleton<Migrator>();
        services.AddSingleton<ArchiveStartup>();
        // The cursor secret is read once, after ArchiveStartup has created it.
        services.AddSingleton(sp => new CursorCodec(sp.GetRequiredService<ArchiveStartup>().CursorSecretAsync().GetAwaiter().GetResult()));
        services.AddSingleton(configuration.GetSection("Search").Get<OrderedSearch>() ?? new OrderedSearch());
        services.AddSingleton<CollectionReader>();
        services.AddSingleton<ResourceReader>();
        services.AddSingleton<Curation.ResourceWriter>();
        return services;
    }
}
