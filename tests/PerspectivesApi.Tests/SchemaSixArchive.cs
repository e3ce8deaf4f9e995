using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using PerspectivesApi.Data;

namespace PerspectivesApi.Tests;

/// <summary>An archive as schema 6 left it: migrated by the first six scripts only, loaded with the corpus
/// as it was then (Fixtures/seed-manifest-schema6.json: 35 stances, 'quoted' credits, editorial stances with
/// no voice), each record recorded as the seed's revision in the documents of that time, and then changed
/// by curators as the write API of that time would have: an edit, a deletion, a new stance, an import.</summary>
public static class SchemaSixArchive
{
    public static readonly string ManifestPath = Path.Combine(ContractTests.RepositoryRoot(), "tests", "PerspectivesApi.Tests", "Fixtures", "seed-manifest-schema6.json");

    /// <summary>What the curators did at schema 6.</summary>
    public const string EditedStance = "ismailov-diaspora-last-trump-card-wont-work", EditedSummary = "Alice's own reading of the diaspora answer.";
    public const string EditedTopic = "diaspora-pressure-effective-lever", EditedDescription = "Alice's description.";
    public const string DeletedStance = "kocak-aliyev-uncompromising-position";
    public const string AlicesStance = "alice-editorial-stance", ImportedStance = "bob-imported-stance";

    /// <summary>The schema-6 archive as <paramref name="app"/>'s database, before the service starts: on SQLite its
    /// file; on PostgreSQL, which has no schema 6, the file migrated to the current schema and moved into the
    /// service's database with the copy command's <see cref="ArchiveCopy"/>: an old archive moved to PostgreSQL.</summary>
    public static async Task CreateForAsync(ArchiveApp app)
    {
        if (app.Postgres is null)
        {
            await CreateAsync(app.DatabasePath);
            return;
        }
        var path = Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "schema6.db");
        await CreateAsync(path);
        var file = new Database(path, pooling: false);
        await new Migrator(file).MigrateAsync();
        using var target = Database.ForPostgres(app.Postgres.ConnectionString);
        await ArchiveCopy.CopyAsync(file, target);
    }

    public static async Task CreateAsync(string path)
    {
        var database = new Database(path);
        await new Migrator(database, Migrator.All.Take(6).ToList()).MigrateAsync();
        await using var connection = await database.OpenAsync();
        Assert.Equal(6, await Migrator.CurrentVersionAsync(connection));
        await using var transaction = connection.BeginTransaction();

        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(ManifestPath))!.AsObject();
        var seq = 0;
        async Task RecordAsync(string curator, string collection, string id, string action, JsonNode? before, JsonNode? after, string? note) =>
            await connection.ExecuteAsync("""
                INSERT INTO revisions (seq, collection, resource_id, action, curator, at, before, after, note)
                VALUES (@seq, @collection, @id, @action, @curator, '2025-12-01T10:00:00.000Z', @before, @after, @note)
                """, new { seq = ++seq, collection, id, action, curator, before = before?.ToJsonString(), after = after?.ToJsonString(), note }, transaction);

        foreach (var o in manifest["outlets"]!.AsArray())
        {
            await connection.ExecuteAsync("INSERT INTO outlets (id, name, kind, country, url, description) VALUES (@id, @name, @kind, @country, @url, @description)",
                Columns(o!, "id", "name", "kind", "country", "url", "description"), transaction);
            await RecordAsync(SeedCorpus.Curator, "outlets", (string)o!["id"]!, "create", null, o, "db/seed");
        }
        foreach (var a in manifest["authors"]!.AsArray())
        {
            await connection.ExecuteAsync("INSERT INTO authors (id, name, affiliation) VALUES (@id, @name, @affiliation)", Columns(a!, "id", "name", "affiliation"), transaction);
            await RecordAsync(SeedCorpus.Curator, "authors", (string)a!["id"]!, "create", null, a, "db/seed");
        }
        foreach (var t in manifest["topics"]!.AsArray())
        {
            await connection.ExecuteAsync("INSERT INTO topics (id, title, proposition, description) VALUES (@id, @title, @proposition, @description)",
                Columns(t!, "id", "title", "proposition", "description"), transaction);
            await RecordAsync(SeedCorpus.Curator, "topics", (string)t!["id"]!, "create", null, t, "db/seed");
        }
        foreach (var node in manifest["articles"]!.AsArray())
        {
            var a = node!.DeepClone().AsObject();
            var body = SeedCorpus.ReadBody((string)a["body"]!);
            a["body"] = body;
            var published = a["published"] as JsonObject;
            var republished = a["republishedFrom"] as JsonObject;
            await connection.ExecuteAsync("""
                INSERT INTO articles (id, title, genre, language, outlet_id, url, published_date, published_precision, published_inferred, published_reasoning,
                                      republished_from_outlet_id, republished_from_url, republished_note, source_file, source_sha256, excerpt, body)
                VALUES (@id, @title, @genre, @language, @outlet, @url, @date, @precision, @inferred, @reasoning, @rOutlet, @rUrl, @rNote, @file, @sha, @excerpt, @body)
                """, new
            {
                id = (string)a["id"]!, title = (string)a["title"]!, genre = (string)a["genre"]!, language = (string)a["language"]!,
                outlet = (string?)a["outlet"], url = (string?)a["url"], date = (string?)published?["date"], precision = (string?)published?["precision"],
                inferred = published is null ? (long?)null : (bool)published["inferred"]! ? 1 : 0, reasoning = (string?)published?["reasoning"],
                rOutlet = (string?)republished?["outlet"], rUrl = (string?)republished?["url"], rNote = (string?)republished?["note"],
                file = (string)a["provenance"]!["seedFile"]!, sha = (string)a["provenance"]!["sha256"]!, excerpt = ArticleText.Excerpt(body), body,
            }, transaction);
            var ordinal = 0;
            foreach (var credit in a["credits"]!.AsArray())
                await connection.ExecuteAsync("INSERT INTO credits (article_id, author_id, role, ordinal) VALUES (@article, @author, @role, @ordinal)",
                    new { article = (string)a["id"]!, author = (string)credit!["author"]!, role = (string)credit["role"]!, ordinal = ++ordinal }, transaction);
            await RecordAsync(SeedCorpus.Curator, "articles", (string)a["id"]!, "create", null, a, "db/seed");
        }
        foreach (var s in manifest["stances"]!.AsArray())
        {
            await InsertStanceAsync(connection, transaction, s!);
            await RecordAsync(SeedCorpus.Curator, "stances", (string)s!["id"]!, "create", null, s, "db/seed");
        }
        await connection.ExecuteAsync("INSERT INTO meta (key, value) VALUES ('corpus_seeded_at', '2025-12-01T10:00:00Z')", transaction: transaction);

        // Alice edits a seed stance and a seed topic, deletes a seed stance and adds an editorial stance of her own.
        var edited = Document(manifest, "stances", EditedStance);
        var after = edited.DeepClone();
        after["summary"] = EditedSummary;
        await connection.ExecuteAsync("UPDATE stances SET summary = @EditedSummary WHERE id = @EditedStance", new { EditedSummary, EditedStance }, transaction);
        await RecordAsync("alice", "stances", EditedStance, "update", edited, after, null);

        var topic = Document(manifest, "topics", EditedTopic);
        var topicAfter = topic.DeepClone();
        topicAfter["description"] = EditedDescription;
        await connection.ExecuteAsync("UPDATE topics SET description = @EditedDescription WHERE id = @EditedTopic", new { EditedDescription, EditedTopic }, transaction);
        await RecordAsync("alice", "topics", EditedTopic, "update", topic, topicAfter, null);

        await connection.ExecuteAsync("DELETE FROM stances WHERE id = @DeletedStance", new { DeletedStance }, transaction);
        await RecordAsync("alice", "stances", DeletedStance, "delete", Document(manifest, "stances", DeletedStance), null, null);

        var own = JsonNode.Parse($$"""
            {"id":"{{AlicesStance}}","topic":"russia-heading-for-collapse","article":"putin-aliyev-what-is-this-game","author":null,"position":"supports",
             "quote":"dying empire","start":{{DyingEmpire(manifest)}},"end":{{DyingEmpire(manifest) + 12}},"summary":"Alice: the editorial calls it a dying empire."}
            """)!;
        await InsertStanceAsync(connection, transaction, own);
        await RecordAsync("alice", "stances", AlicesStance, "create", null, own, null);

        // Bob imports a stance in Ismailov's interview, credited to Ismailov.
        var imported = JsonNode.Parse("""
            {"id":"bob-imported-stance","topic":"russia-heading-for-collapse","article":"point-of-no-return-aslan-ismailov","author":"aslan-ismailov","position":"supports",
             "quote":"Russia’s final collapse","start":12000,"end":12023,"summary":"Bob's import."}
            """)!;
        var interview = SeedCorpus.ReadBody("articles/point-of-no-return-aslan-ismailov.txt");
        imported["start"] = ArticleText.Occurrences(interview, "Russia’s final collapse").Single().Start;
        imported["end"] = (int)imported["start"]! + "Russia’s final collapse".Length;
        await InsertStanceAsync(connection, transaction, imported);
        await RecordAsync("bob", "stances", ImportedStance, "create", null, imported, "import");

        await transaction.CommitAsync();
        SqliteConnection.ClearAllPools();
    }

    private static int DyingEmpire(JsonObject _) =>
        ArticleText.Occurrences(SeedCorpus.ReadBody("articles/putin-aliyev-what-is-this-game.txt"), "dying empire").Single().Start;

    private static JsonNode Document(JsonObject manifest, string list, string id) =>
        manifest[list]!.AsArray().Single(x => (string)x!["id"]! == id)!.DeepClone();

    private static Task InsertStanceAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, JsonNode s) =>
        connection.ExecuteAsync("""
            INSERT INTO stances (id, topic_id, article_id, author_id, position, quote, quote_start, quote_end, summary)
            VALUES (@id, @topic, @article, @author, @position, @quote, @start, @end, @summary)
            """, new
        {
            id = (string)s["id"]!, topic = (string)s["topic"]!, article = (string)s["article"]!, author = (string?)s["author"], position = (string)s["position"]!,
            quote = (string)s["quote"]!, start = (int)s["start"]!, end = (int)s["end"]!, summary = (string)s["summary"]!,
        }, transaction);

    private static DynamicParameters Columns(JsonNode node, params string[] names)
    {
        var parameters = new DynamicParameters();
        foreach (var name in names) parameters.Add(name, (string?)node[name]);
        return parameters;
    }
}
