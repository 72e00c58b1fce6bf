namespace Star1.Data.Collect.Sources;

/// <summary>
/// A source the user declares (e.g. in params.yaml) rather than one of the paper's: one local file,
/// its format, the column with the question, optionally a category column and one filter.
/// </summary>
/// <param name="Name">The source name that questions carry.</param>
/// <param name="Path">The file; absolute, or relative to the base folder given to <see cref="ToSourceSpec"/>.</param>
/// <param name="Format">One of csv, tsv, json, jsonl, txt, parquet (case-insensitive).</param>
/// <param name="QuestionColumn">The column or key with the question; ignored for txt. For json/jsonl it may be
/// a dotted path into nested objects (<c>data.prompt</c>), or omitted when the file is a list of strings
/// (<c>["q1", "q2"]</c>, HarmfulQ's layout), each string being a question.</param>
/// <param name="CategoryColumn">The column or key with a category, if any (a dotted path for json/jsonl).</param>
/// <param name="Filter">"column == value" or "column != value"; see <see cref="RowFilter"/>.</param>
/// <param name="SelfNgramN">Self n-gram size for a training source.</param>
/// <param name="Role">"training" or "test" (case-insensitive).</param>
public sealed record CustomSourceSpec(
    string Name,
    string Path,
    string Format,
    string? QuestionColumn = null,
    string? CategoryColumn = null,
    string? Filter = null,
    int SelfNgramN = 8,
    string Role = "training")
{
    /// <summary>The format names a user may write, and what they mean.</summary>
    public static IReadOnlyDictionary<string, SourceFormat> Formats { get; } =
        new Dictionary<string, SourceFormat>(StringComparer.OrdinalIgnoreCase)
        {
            ["csv"] = SourceFormat.Csv,
            ["tsv"] = SourceFormat.Tsv,
            ["json"] = SourceFormat.Json,
            ["jsonl"] = SourceFormat.JsonLines,
            ["txt"] = SourceFormat.Text,
            ["parquet"] = SourceFormat.Parquet,
        };

    /// <summary>The equivalent <see cref="SourceSpec"/>, its path made absolute against <paramref name="baseDir"/>.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names the source and the field.</exception>
    public SourceSpec ToSourceSpec(string baseDir)
    {
        if (string.IsNullOrWhiteSpace(Name)) throw Invalid("the name is empty");
        if (string.IsNullOrWhiteSpace(Path)) throw Invalid("the path is empty");
        if (!Formats.TryGetValue(Format ?? "", out var format))
            throw Invalid($"format '{Format}' is not one of {string.Join(", ", Formats.Keys)}");

        var role = Role?.Trim().ToLowerInvariant() switch
        {
            "training" or "train" => SourceRole.Training,
            "test" => SourceRole.Test,
            _ => throw Invalid($"role '{Role}' is neither training nor test"),
        };
        if (role == SourceRole.Training && SelfNgramN <= 0) throw Invalid($"the self n-gram size must be above 0, is {SelfNgramN}");

        RowFilter? filter = null;
        if (!string.IsNullOrWhiteSpace(Filter))
        {
            try
            {
                filter = RowFilter.Parse(Filter);
            }
            catch (FormatException e)
            {
                throw Invalid(e.Message);
            }
        }

        bool text = format == SourceFormat.Text;
        bool json = format is SourceFormat.Json or SourceFormat.JsonLines;
        bool listOfStrings = json && string.IsNullOrWhiteSpace(QuestionColumn);
        if (!text && !json && string.IsNullOrWhiteSpace(QuestionColumn)) throw Invalid($"a question column is required for {Format}");
        if (text && (filter is not null || CategoryColumn is not null))
            throw Invalid("a txt source has no columns to filter or take a category from");
        if (listOfStrings && (filter is not null || CategoryColumn is not null))
            throw Invalid($"without a question key the {Format} file is read as a list of strings, which has no keys to filter or take a category from; name the question key");

        var path = System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.Combine(baseDir, Path);
        return new SourceSpec
        {
            Name = Name,
            Role = role,
            SelfNgramN = role == SourceRole.Training ? SelfNgramN : 0,
            Format = format,
            Files = [new SourceFile(System.IO.Path.GetFullPath(path))],
            Mapping = new RecordMapping
            {
                Question = text || listOfStrings ? null : QuestionColumn,
                AcceptBareStrings = listOfStrings,
                CategoryFields = CategoryColumn is null ? [] : [CategoryColumn],
                Filters = filter is null ? [] : [filter],
            },
        };
    }

    private ArgumentException Invalid(string problem) => new($"custom source '{Name}': {problem}");
}
