using PerspectivesApi.Articles;
using PerspectivesApi.Authors;
using PerspectivesApi.Http;
using PerspectivesApi.Outlets;
using PerspectivesApi.Stances;
using PerspectivesApi.Topics;

namespace PerspectivesApi.OpenApi;

/// <summary>Response examples for the OpenAPI document, taken from the seed corpus so that what a
/// reader sees in Swagger UI is what the archive really answers.</summary>
public static class Examples
{
    private const string ExampleCursor = "WyJ4eTEyMyIsIjIwMjUtMDctMDQiLCJwb2ludC1vZi1uby1yZXR1cm4iXQ.c2lnbmF0dXJlMTIzNDU2";

    private static readonly OutletRef GeorgiaToday = new("georgia-today", "Georgia Today");
    private static readonly AuthorRef Ismailov = new("aslan-ismailov", "Aslan Ismailov", "person");
    private static readonly TopicRef Rift = new("baku-moscow-rift-is-permanent", "Is the 2025 Baku–Moscow rift permanent?");

    private static readonly Published July4 = new("2025-07-04", "day", false,
        "The page states 'July 4, 2025' directly under the byline 'by Georgia Today'.");

    private static readonly Attribution OwnWords = new("own-words", null);

    private static readonly HeldAt HeldJuly4 = new("2025-07-04", "day", null);

    private static readonly Quote PointOfNoReturn = new(
        "This is already the point of no return. Going forward, naturally Azerbaijan and the Azerbaijani people — I say this sincerely — the Azerbaijani people do not want to be enemies of Russia or the Russian people. We want to be a good neighbor, but without anyone’s dictate: on equal terms.",
        7451, 7737);

    private static readonly IReadOnlyList<Credit> InterviewCredits =
        [new(new AuthorRef("vazha-tavberidze", "Vazha Tavberidze", "person"), "interviewer"), new(Ismailov, "interviewee")];

    public static readonly ArticleSummary ArticleSummary = new(
        "point-of-no-return-aslan-ismailov",
        "The Point of No Return: Aslan Ismailov on Why Azerbaijan Is Done with Putin’s ‘Russkiy Mir’",
        "interview", "en", GeorgiaToday, July4, null, InterviewCredits, 21,
        "He is one of Azerbaijan’s best-known lawyers and an outspoken human rights defender — and for decades, Aslan Ismailov has been watching Moscow’s games in the South Caucasus up close…");

    public static readonly Page<ArticleSummary> ArticlePage = new([ArticleSummary], ExampleCursor, null);

    public static readonly ArticleDetail ArticleDetail = new(
        ArticleSummary.Id, ArticleSummary.Title, "interview", "en", GeorgiaToday, July4, null, InterviewCredits,
        new Republication(new OutletRef("rfe-rl-georgian-service", "Radio Free Europe/Radio Liberty Georgian Service"), null,
            "The standfirst calls the piece a 'conversation with Radio Free Europe’s Georgian Service'.", null),
        new Provenance("000_825315227a47cb2a.txt", "ed290803ab3f3cd764bd08fca963a73f61e46a9943d59a07bfcef6b75cc7a041"),
        "He is one of Azerbaijan’s best-known lawyers and an outspoken human rights defender — … (the full text of the piece)",
        [new CaptureNote("splice", 10801, 10905, "If Putin keeps stoking this, if he pushes for further escalation, it will lead to the break-up of Russia",
            "Kept verbatim as captured: the interview's last sentence, spliced into the answer on Turkey.")],
        [new ArticleStance("ismailov-rift-point-of-no-return", Rift, Ismailov, OwnWords, HeldJuly4, "supports", null, PointOfNoReturn,
            "Ismailov says relations have already passed the point of no return, while stressing that Azerbaijanis want good-neighbourly relations with Russia on equal terms.",
            "high", null)]);

    public static readonly Stance Stance = new(
        "ismailov-rift-point-of-no-return", Rift,
        new StanceArticle(ArticleSummary.Id, ArticleSummary.Title, GeorgiaToday, July4),
        Ismailov, OwnWords, HeldJuly4, "supports", null, PointOfNoReturn,
        "Ismailov says relations have already passed the point of no return, while stressing that Azerbaijanis want good-neighbourly relations with Russia on equal terms.",
        "curated", "seed-corpus", "high", null);

    public static readonly Page<Stance> StancePage = new([Stance], null, 1, new Dictionary<string, IReadOnlyList<FacetCount>>
    {
        ["position"] = [new("supports", null, 1)],
    });

    public static readonly Author Author = new("aslan-ismailov", "Aslan Ismailov", "person", "Azerbaijani lawyer and human rights defender", null, 1, 17);

    public static readonly Page<Author> AuthorPage = new([Author], ExampleCursor, null);

    public static readonly Outlet Outlet = new("georgia-today", "Georgia Today", "newspaper", "GE", "https://georgiatoday.ge",
        "English-language newspaper in Tbilisi.", 1);

    public static readonly Page<Outlet> OutletPage = new([Outlet], null, null);

    public static readonly Topic Topic = new(Rift.Id, Rift.Title,
        "The 2025 rift between Azerbaijan and Russia has passed a point of no return.",
        "After the deadly Yekaterinburg raid on Azerbaijanis in June 2025 and the arrests of Sputnik Azerbaijan staff in Baku, relations between Azerbaijan and Russia fell to a low.",
        true, 5);

    public static readonly Page<Search.SearchHit> SearchPage = new(
    [
        new("stance", "ismailov-rift-point-of-no-return", Rift.Title, "/v1/stances/ismailov-rift-point-of-no-return", -3.92,
            "This is already the <mark>point</mark> <mark>of</mark> <mark>no</mark> <mark>return</mark>. Going forward, naturally Azerbaijan and the Azerbaijani people…",
            new Search.HitArticle(ArticleSummary.Id, ArticleSummary.Title)),
    ], ExampleCursor, null);

    public static readonly TopicSummary TopicSummary = new(Rift.Id, Rift, Topic.Proposition, true,
        new PositionCounts(1, 1, 1, 2),
        [
            new OutletPositions(null, new PositionCounts(0, 1, 1, 2)),
            new OutletPositions(GeorgiaToday, new PositionCounts(1, 0, 0, 0)),
        ],
        null,
        [
            new AuthorPositions(Ismailov, new PositionCounts(1, 0, 0, 0)),
            new AuthorPositions(new AuthorRef("dmitry-peskov", "Dmitry Peskov", "person"), new PositionCounts(0, 0, 0, 1)),
            new AuthorPositions(new AuthorRef("editorial-kremlin-fears-russia-azerbaijan-brink-of-war",
                "Editorial voice of “Kremlin fears: Is Russia-Azerbaijan on the brink of war?” (outlet not named)", "editorial"), new PositionCounts(0, 0, 0, 1)),
            new AuthorPositions(new AuthorRef("kremlin", "The Kremlin", "institution"), new PositionCounts(0, 1, 0, 0)),
            new AuthorPositions(new AuthorRef("vadym-denysenko", "Vadym Denysenko", "person"), new PositionCounts(0, 0, 1, 0)),
        ],
        null,
        [new MonthPositions("2025-07", new PositionCounts(1, 1, 0, 2)), new MonthPositions(null, new PositionCounts(0, 0, 1, 0))],
        [new HeldYearPositions("2025", new PositionCounts(1, 1, 1, 2))],
        [new HeldMonthPositions("2025-07", new PositionCounts(1, 1, 0, 2)), new HeldMonthPositions(null, new PositionCounts(0, 0, 1, 0))],
        [
            new VoiceKindPositions("editorial", new PositionCounts(0, 0, 0, 1)),
            new VoiceKindPositions("institution", new PositionCounts(0, 1, 0, 0)),
            new VoiceKindPositions("person", new PositionCounts(1, 0, 1, 1)),
        ],
        [
            new AttributionPositions("editorial", new PositionCounts(0, 0, 0, 1)),
            new AttributionPositions("own-words", new PositionCounts(1, 0, 1, 0)),
            new AttributionPositions("quoted", new PositionCounts(0, 1, 0, 0)),
            new AttributionPositions("reported", new PositionCounts(0, 0, 0, 1)),
        ]);

    /// <summary>A page of one revision of <paramref name="model"/>'s resource: its creation.</summary>
    public static Page<Curation.Revision<T>> RevisionsOf<T>(Curation.WriteModel<T> model, T document) where T : class =>
        new([new(41, model.Collection, model.IdOf(document)!, Data.RevisionAction.Create, "alice", "2026-11-23T10:15:00.000Z", null, document, null)], null, null);

    public static readonly OutletDocument OutletDocument = new()
    {
        Id = "georgia-today", Name = "Georgia Today", Kind = "newspaper", Country = "GE", Url = "https://georgiatoday.ge",
        Description = "English-language newspaper in Tbilisi.",
    };

    public static readonly AuthorDocument AuthorDocument = new()
    {
        Id = "aslan-ismailov", Name = "Aslan Ismailov", Affiliation = "Azerbaijani lawyer and human rights defender", Kind = "person",
    };

    public static readonly TopicDocument TopicDocument = new()
    {
        Id = Rift.Id, Title = Rift.Title, Proposition = Topic.Proposition, Description = Topic.Description, TimeDependent = true,
    };

    public static readonly Data.StanceEntry StanceDocument = new("ismailov-rift-point-of-no-return", Rift.Id, ArticleSummary.Id, Ismailov.Id,
        "supports", "This is already the point of no return.", null, null,
        "Ismailov says relations have already passed the point of no return.",
        Attribution: new Data.AttributionEntry("own-words", null), Confidence: "high");

    public static readonly Data.ArticleEntry ArticleDocument = new("point-of-no-return-aslan-ismailov", ArticleSummary.Title, "interview", "en",
        GeorgiaToday.Id, null, new Data.PublishedEntry("2025-07-04", "day", false, "The page states 'July 4, 2025' under the byline."),
        "He is one of Azerbaijan’s best-known lawyers and an outspoken human rights defender — …\n\nLET’S LOOK AT THIS CHRONOLOGICALLY — …",
        [new Data.CreditEntry("vazha-tavberidze", "interviewer"), new Data.CreditEntry(Ismailov.Id, "interviewee")],
        new Data.RepublishedEntry("rfe-rl-georgian-service", null, "A conversation with Radio Free Europe’s Georgian Service."), null);

    /// <summary>A manifest for POST /v1/imports: a new outlet, with an article and a stance in it.</summary>
    public static readonly Data.CorpusManifest Manifest = new(
        [new OutletDocument { Id = "turan-information-agency", Name = "Turan Information Agency", Kind = "news-agency", Country = "AZ" }], [], [],
        [ArticleDocument with { Id = "an-imported-article", Outlet = "turan-information-agency", RepublishedFrom = null }],
        [StanceDocument with { Id = "an-imported-stance", Article = "an-imported-article", Quote = "an outspoken human rights defender" }]);

    public static readonly Page<Topic> TopicPage = new([Topic], null, 20);
}
