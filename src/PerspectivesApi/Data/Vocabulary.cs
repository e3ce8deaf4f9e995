namespace PerspectivesApi.Data;

// The archive's controlled vocabularies, each value with its one-line definition, written once here.
// Validation, filters and facets read the term lists; the contract's [Description] attributes need
// compile-time constants, so each vocabulary also spells its terms into one constant (`Described`)
// built from the same definitions (VocabularyTests checks that every term is in it).

/// <summary>Marks a text field whose values come from a controlled vocabulary (named by
/// <see cref="Vocabulary.Name"/>), so that the contract declares it as that vocabulary's named enum,
/// in requests and responses alike.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FromVocabularyAttribute(string name) : Attribute
{
    public string Name => name;
}

/// <summary>One value of a controlled vocabulary and what it means.</summary>
public sealed record Term(string Value, string Definition);

/// <summary>A controlled vocabulary: the values a field may take, each with its definition.</summary>
public sealed class Vocabulary(string name, params Term[] terms)
{
    public string Name => name;
    public IReadOnlyList<Term> Terms => terms;

    /// <summary>The values new writes may use (deprecated ones aside).</summary>
    public string[] Values { get; } = terms.Where(t => !t.Definition.StartsWith(Deprecated, StringComparison.Ordinal)).Select(t => t.Value).ToArray();

    /// <summary>Every value the archive may hold, deprecated ones included.</summary>
    public string[] AllValues { get; } = terms.Select(t => t.Value).ToArray();

    /// <summary>Marks a term kept for stored data and refused on new writes.</summary>
    public const string Deprecated = "Deprecated:";

    /// <summary>"`a`: what a means. `b`: …", for descriptions built at run time (filters, facets).</summary>
    public string Definitions => string.Join(" ", terms.Select(t => $"`{t.Value}`: {t.Definition}"));

    public static readonly Vocabulary Genres = new("genre",
        new(Genre.News, Genre.NewsMeans), new(Genre.Analysis, Genre.AnalysisMeans), new(Genre.Opinion, Genre.OpinionMeans),
        new(Genre.Column, Genre.ColumnMeans), new(Genre.Editorial, Genre.EditorialMeans), new(Genre.Interview, Genre.InterviewMeans));

    public static readonly Vocabulary Positions = new("position",
        new(Position.Supports, Position.SupportsMeans), new(Position.Opposes, Position.OpposesMeans),
        new(Position.Mixed, Position.MixedMeans), new(Position.Neutral, Position.NeutralMeans));

    public static readonly Vocabulary VoiceKinds = new("voice kind",
        new(VoiceKind.Person, VoiceKind.PersonMeans), new(VoiceKind.Institution, VoiceKind.InstitutionMeans),
        new(VoiceKind.Group, VoiceKind.GroupMeans), new(VoiceKind.Editorial, VoiceKind.EditorialMeans));

    public static readonly Vocabulary CreditRoles = new("credit role",
        new(CreditRole.Author, CreditRole.AuthorMeans), new(CreditRole.Interviewer, CreditRole.InterviewerMeans),
        new(CreditRole.Interviewee, CreditRole.IntervieweeMeans), new(CreditRole.Translator, CreditRole.TranslatorMeans),
        new(CreditRole.Quoted, CreditRole.QuotedMeans));

    public static readonly Vocabulary AttributionKinds = new("attribution kind",
        new(AttributionKind.OwnWords, AttributionKind.OwnWordsMeans), new(AttributionKind.Quoted, AttributionKind.QuotedMeans),
        new(AttributionKind.Reported, AttributionKind.ReportedMeans), new(AttributionKind.Editorial, AttributionKind.EditorialMeans));

    public static readonly Vocabulary Methods = new("reading method",
        new(ReadingMethod.Curated, ReadingMethod.CuratedMeans), new(ReadingMethod.Imported, ReadingMethod.ImportedMeans));

    public static readonly Vocabulary Confidences = new("confidence",
        new(Confidence.High, Confidence.HighMeans), new(Confidence.Medium, Confidence.MediumMeans), new(Confidence.Low, Confidence.LowMeans));

    public static readonly Vocabulary Precisions = new("precision",
        new(Precision.Day, Precision.DayMeans), new(Precision.Month, Precision.MonthMeans), new(Precision.Year, Precision.YearMeans));

    public static readonly Vocabulary OutletKinds = new("outlet kind",
        new(OutletKind.Newspaper, OutletKind.NewspaperMeans), new(OutletKind.Magazine, OutletKind.MagazineMeans),
        new(OutletKind.Broadcaster, OutletKind.BroadcasterMeans), new(OutletKind.NewsSite, OutletKind.NewsSiteMeans),
        new(OutletKind.NewsAgency, OutletKind.NewsAgencyMeans), new(OutletKind.Blog, OutletKind.BlogMeans));

    public static readonly Vocabulary CaptureNoteKinds = new("capture note kind",
        new(CaptureNoteKind.Splice, CaptureNoteKind.SpliceMeans), new(CaptureNoteKind.Other, CaptureNoteKind.OtherMeans));

    public static readonly Vocabulary Actions = new("revision action",
        new(RevisionAction.Create, RevisionAction.CreateMeans), new(RevisionAction.Update, RevisionAction.UpdateMeans),
        new(RevisionAction.Delete, RevisionAction.DeleteMeans), new(RevisionAction.Restore, RevisionAction.RestoreMeans));

    public static readonly Vocabulary Collections = new("collection name",
        new(CollectionName.Outlets, CollectionName.OutletsMeans), new(CollectionName.Authors, CollectionName.AuthorsMeans),
        new(CollectionName.Articles, CollectionName.ArticlesMeans), new(CollectionName.Topics, CollectionName.TopicsMeans),
        new(CollectionName.Stances, CollectionName.StancesMeans));

    public static readonly Vocabulary HitKinds = new("search hit kind",
        new(HitKind.Article, HitKind.ArticleMeans), new(HitKind.Stance, HitKind.StanceMeans));

    /// <summary>Every vocabulary: the contract declares each as a named enum, with its definitions.</summary>
    public static readonly IReadOnlyList<(Vocabulary Vocabulary, string Described)> All =
    [
        (Genres, Genre.Described), (Positions, Position.Described), (VoiceKinds, VoiceKind.Described),
        (CreditRoles, CreditRole.Described), (AttributionKinds, AttributionKind.Described), (Methods, ReadingMethod.Described),
        (Confidences, Confidence.Described), (Precisions, Precision.Described), (OutletKinds, OutletKind.Described),
        (CaptureNoteKinds, CaptureNoteKind.Described), (Actions, RevisionAction.Described), (Collections, CollectionName.Described),
        (HitKinds, HitKind.Described),
    ];

    /// <summary>The vocabulary called <paramref name="name"/>.</summary>
    public static Vocabulary Named(string name) =>
        All.Select(v => v.Vocabulary).FirstOrDefault(v => v.Name == name)
        ?? throw new ArgumentException($"No vocabulary is called '{name}'.", nameof(name));
}

/// <summary>What kind of piece an article is, by its dominant mode.</summary>
public static class Genre
{
    public const string News = "news", Analysis = "analysis", Opinion = "opinion", Column = "column", Editorial = "editorial", Interview = "interview";
    public const string NewsMeans = "reports recent events and what named sources said, in the outlet's voice; any assessment of its own is brief and secondary.";
    public const string AnalysisMeans = "explains the causes and consequences of events; interpretation is its main content, not advocacy of a course of action.";
    public const string OpinionMeans = "a signed piece in which a contributor argues their own view (op-ed, guest commentary).";
    public const string ColumnMeans = "a signed opinion piece in a recurring column or blog slot, presented by the outlet as the author's own view.";
    public const string EditorialMeans = "an unsigned piece in which the outlet argues its own position in its own voice (often 'we').";
    public const string InterviewMeans = "a piece whose substance is one person's answers to an interviewer's questions.";
    public const string Described = "`news`: " + NewsMeans + " `analysis`: " + AnalysisMeans + " `opinion`: " + OpinionMeans +
                                    " `column`: " + ColumnMeans + " `editorial`: " + EditorialMeans + " `interview`: " + InterviewMeans;
}

/// <summary>Which way a stance goes, towards its topic's proposition.</summary>
public static class Position
{
    public const string Supports = "supports", Opposes = "opposes", Mixed = "mixed", Neutral = "neutral";
    public const string SupportsMeans = "the evidence asserts the proposition or something that plainly entails it (a hedged claim stays supports, with a lower confidence).";
    public const string OpposesMeans = "the evidence asserts the proposition's negation or something plainly incompatible with it.";
    public const string MixedMeans = "the voice affirms part of the proposition and denies or doubts another part, or leaves it open between alternatives it names.";
    public const string NeutralMeans = "the voice addresses the question (reports the facts or claims bearing on it) without taking a side; never used for a passage that does not address it.";
    public const string Described = "`supports`: " + SupportsMeans + " `opposes`: " + OpposesMeans + " `mixed`: " + MixedMeans + " `neutral`: " + NeutralMeans;
}

/// <summary>What kind of voice an author is.</summary>
public static class VoiceKind
{
    public const string Person = "person", Institution = "institution", Group = "group", Editorial = "editorial";
    public const string PersonMeans = "an individual: a writer, an interviewee, a quoted or reported official or analyst.";
    public const string InstitutionMeans = "an organisation that speaks as one (the Kremlin, a ministry, a court), whoever delivered the words.";
    public const string GroupMeans = "a collective without an official voice whose members are not named one by one (pro-war bloggers, a country's television).";
    public const string EditorialMeans = "a piece's or outlet's own unsigned voice, named instead of left null; it names its outlet when that is known.";
    public const string Described = "`person`: " + PersonMeans + " `institution`: " + InstitutionMeans + " `group`: " + GroupMeans + " `editorial`: " + EditorialMeans;
}

/// <summary>What part a credited voice had in making a piece. Who is quoted is said by stances.</summary>
public static class CreditRole
{
    public const string Author = "author", Interviewer = "interviewer", Interviewee = "interviewee", Translator = "translator", Quoted = "quoted";
    public const string AuthorMeans = "wrote the piece: a bylined person, or for an unsigned piece its editorial voice.";
    public const string InterviewerMeans = "put the questions in an interview.";
    public const string IntervieweeMeans = "answered the questions in an interview.";
    public const string TranslatorMeans = "translated the version archived.";
    public const string QuotedMeans = Vocabulary.Deprecated + " being quoted is not making the piece; who is quoted is said by a stance's attribution. Kept on credits written before schema 7, refused on new ones.";
    public const string Described = "`author`: " + AuthorMeans + " `interviewer`: " + InterviewerMeans + " `interviewee`: " + IntervieweeMeans +
                                    " `translator`: " + TranslatorMeans + " `quoted`: " + QuotedMeans;

    /// <summary>The roles of the voices that made a piece, whose words in it are their own.</summary>
    public static readonly string[] Makers = [Author, Interviewer, Interviewee];
}

/// <summary>How a stance's words reach us.</summary>
public static class AttributionKind
{
    public const string OwnWords = "own-words", Quoted = "quoted", Reported = "reported", Editorial = "editorial";
    public const string OwnWordsMeans = "the quote is the voice's own text in this piece, first-hand (the voice is credited as its author, interviewer or interviewee); via is null.";
    public const string QuotedMeans = "the quote is the voice's verbatim words in quotation marks, relayed by the voice named in via (the piece's editorial voice, its author, or someone speaking in it).";
    public const string ReportedMeans = "the quote is someone else's account of what the voice said or holds (indirect speech, paraphrase, summary): the words are those of the reporter named in via.";
    public const string EditorialMeans = "the piece's own unsigned voice (a voice of kind editorial); via is null.";
    public const string Described = "`own-words`: " + OwnWordsMeans + " `quoted`: " + QuotedMeans + " `reported`: " + ReportedMeans + " `editorial`: " + EditorialMeans;

    /// <summary>The kinds whose words reach us through another voice, named in via.</summary>
    public static readonly string[] Relayed = [Quoted, Reported];
}

/// <summary>How a stance was read.</summary>
public static class ReadingMethod
{
    public const string Curated = "curated", Imported = "imported";
    public const string CuratedMeans = "a person read the piece and chose the passage and the grade (the seed corpus, a curator through the stance routes).";
    public const string ImportedMeans = "came in through a bulk load (POST /v1/imports) with no reading of its own recorded.";
    public const string Described = "`curated`: " + CuratedMeans + " `imported`: " + ImportedMeans;
}

/// <summary>How sure the curator is of a stance's grade (not how sure the voice is).</summary>
public static class Confidence
{
    public const string High = "high", Medium = "medium", Low = "low";
    public const string HighMeans = "the quote states the position in the proposition's terms.";
    public const string MediumMeans = "the reading needs context beyond the quote or an inference, or rests on a hedged claim; the note says which.";
    public const string LowMeans = "a plausible but contestable reading, kept with its reason in the note.";
    public const string Described = "`high`: " + HighMeans + " `medium`: " + MediumMeans + " `low`: " + LowMeans;
}

/// <summary>How precise a date is.</summary>
public static class Precision
{
    public const string Day = "day", Month = "month", Year = "year";
    public const string DayMeans = "known to the day (2025-07-04).";
    public const string MonthMeans = "known to the month only (2025-07).";
    public const string YearMeans = "known to the year only (2025).";
    public const string Described = "`day`: " + DayMeans + " `month`: " + MonthMeans + " `year`: " + YearMeans;
}

/// <summary>What kind of publication an outlet is.</summary>
public static class OutletKind
{
    public const string Newspaper = "newspaper", Magazine = "magazine", Broadcaster = "broadcaster", NewsSite = "news-site", NewsAgency = "news-agency", Blog = "blog";
    public const string NewspaperMeans = "a daily or weekly newspaper, in print or online.";
    public const string MagazineMeans = "a periodical of features, analysis or opinion.";
    public const string BroadcasterMeans = "a radio or television organisation, or one of its services.";
    public const string NewsSiteMeans = "a news publication that exists only online.";
    public const string NewsAgencyMeans = "an agency that supplies news to other outlets.";
    public const string BlogMeans = "a personal or group weblog.";
    public const string Described = "`newspaper`: " + NewspaperMeans + " `magazine`: " + MagazineMeans + " `broadcaster`: " + BroadcasterMeans +
                                    " `news-site`: " + NewsSiteMeans + " `news-agency`: " + NewsAgencyMeans + " `blog`: " + BlogMeans;
}

/// <summary>What an anomaly of a capture, kept verbatim in the body, is.</summary>
public static class CaptureNoteKind
{
    public const string Splice = "splice", Other = "other";
    public const string SpliceMeans = "a passage the capture repeats out of place, interrupting another sentence; no stance quotes it there.";
    public const string OtherMeans = "any other anomaly of the capture kept verbatim, described in the note.";
    public const string Described = "`splice`: " + SpliceMeans + " `other`: " + OtherMeans;
}

/// <summary>What a write did to a resource, as its revision records it.</summary>
public static class RevisionAction
{
    public const string Create = "create", Update = "update", Delete = "delete", Restore = "restore";
    public const string CreateMeans = "the resource was created (POST, an import or the seed corpus).";
    public const string UpdateMeans = "the resource was changed (PUT, PATCH or an import).";
    public const string DeleteMeans = "the resource was deleted, leaving a tombstone (DELETE, a cascade or an import's removed list).";
    public const string RestoreMeans = "the resource was made what an earlier revision recorded (POST …/revisions/{seq}/restore).";
    public const string Described = "`create`: " + CreateMeans + " `update`: " + UpdateMeans + " `delete`: " + DeleteMeans + " `restore`: " + RestoreMeans;
}

/// <summary>The collections of resources that curators write and revisions record.</summary>
public static class CollectionName
{
    public const string Outlets = "outlets", Authors = "authors", Articles = "articles", Topics = "topics", Stances = "stances";
    public const string OutletsMeans = "publications (/v1/outlets).";
    public const string AuthorsMeans = "voices (/v1/authors).";
    public const string ArticlesMeans = "archived pieces (/v1/articles).";
    public const string TopicsMeans = "questions framed as propositions (/v1/topics).";
    public const string StancesMeans = "positions with their quotes (/v1/stances).";
    public const string Described = "`outlets`: " + OutletsMeans + " `authors`: " + AuthorsMeans + " `articles`: " + ArticlesMeans +
                                    " `topics`: " + TopicsMeans + " `stances`: " + StancesMeans;
}

/// <summary>What a search hit is.</summary>
public static class HitKind
{
    public const string Article = "article", Stance = "stance";
    public const string ArticleMeans = "an article whose title or body matched.";
    public const string StanceMeans = "a stance whose quote matched.";
    public const string Described = "`article`: " + ArticleMeans + " `stance`: " + StanceMeans;
}
