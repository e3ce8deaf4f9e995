namespace PerspectivesApi.Data;

/// <summary>The size and form of everything a client may send, written once: the validation enforces these
/// numbers and patterns, and the contract declares the same ones (as DataAnnotations on the written documents,
/// and in the query parameters' schemas), so that what a generated client or a validating proxy checks is
/// exactly what the archive refuses.</summary>
public static class Bounds
{
    /// <summary>Ids: lowercase letters, digits and single hyphens.</summary>
    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";
    public const int Slug = 80;

    /// <summary>ISO 3166-1 alpha-2, in capitals.</summary>
    public const string CountryPattern = "^[A-Z]{2}$";

    /// <summary>A BCP 47 language tag such as en or pt-BR: a language and up to four subtags.</summary>
    public const string LanguagePattern = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,4}$";
    public const int Language = 3 + 4 * 9;

    /// <summary>A date at day, month or year precision (which one the precision field says).</summary>
    public const string PartialDatePattern = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";
    public const int PartialDate = 10;

    /// <summary>A calendar date, yyyy-MM-dd (the from/to filters).</summary>
    public const string DayPattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    /// <summary>A SHA-256 in lowercase hexadecimal.</summary>
    public const string Sha256Pattern = "^[0-9a-f]{64}$";

    /// <summary>An absolute http(s) URL.</summary>
    public const string UrlPattern = "^[Hh][Tt][Tt][Pp][Ss]?://";
    public const int Url = 2048;

    /// <summary>Plain text on one line, as every text field but a body and a quote must be (FieldErrors.PlainText):
    /// no control characters (tabs and line breaks included) and no noncharacters U+FFFE, U+FFFF.</summary>
    public const string LinePattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\uFFFE\\uFFFF]*$";

    /// <summary>Running text (an article's body, a quote from it): as a line, but tabs and \\n line breaks belong
    /// in it (a carriage return does not).</summary>
    public const string TextBlockPattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\uFFFE\\uFFFF]*$";

    public const int Name = 200;
    public const int Affiliation = 500;
    public const int OutletDescription = 2000;
    public const int TopicTitle = 300;
    public const int Proposition = 1000;
    public const int TopicDescription = 4000;
    public const int ArticleTitle = 500;
    public const int Body = 1_000_000;
    public const int DateReasoning = 4000;
    public const int HeldReasoning = 2000;
    public const int RepublishedNote = 2000;
    public const int SeedFile = 500;
    public const int CaptureText = 5000;
    public const int CaptureNote = 4000;
    public const int Quote = 5000;
    public const int Summary = 1000;
    public const int Condition = 1000;
    public const int StanceNote = 4000;
    public const int RemovedReason = 4000;

    /// <summary>Credits on one article, and capture notes on one body.</summary>
    public const int Credits = 50;
    public const int CaptureNotes = 200;

    /// <summary>Records in one list of an import's manifest; larger archives go in several imports (the body
    /// limit, 64 MiB by default, is usually reached first).</summary>
    public const int ManifestRecords = 100_000;

    /// <summary>A search query (q): see SearchLimits for its terms and operators.</summary>
    public const int Search = 256;
}
