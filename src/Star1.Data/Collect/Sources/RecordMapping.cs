namespace Star1.Data.Collect.Sources;

/// <summary>Clean-ups a source's text needs before it is a question.</summary>
public enum TextCleanup
{
    /// <summary>The text is kept exactly as the file gives it (no trimming).</summary>
    None,
    /// <summary>ALERT wraps each prompt as <c>### Instruction:\n...\n### Response:\n</c>; both markers are
    /// removed and the rest is stripped of surrounding white space (Python's <c>str.strip()</c>).</summary>
    StripInstructionResponseMarkers,
}

/// <summary>
/// How one record of a source becomes a question: which field holds the text, which hold the category,
/// which rows are kept, and the quirks of particular sources. Rows are filtered first (all filters must
/// hold), then the question is read; a row whose question is empty or null is skipped and counted.
/// </summary>
public sealed record RecordMapping
{
    /// <summary>The column or key with the question; null for <see cref="SourceFormat.Text"/> (the line is the
    /// question) and for a JSON list of strings with <see cref="AcceptBareStrings"/> (each item is the question).
    /// In JSON a dotted key that is not a key itself is a path into nested objects (<c>data.prompt</c>).</summary>
    public string? Question { get; init; }

    /// <summary>Columns or keys joined (with <see cref="CategorySeparator"/>) into the category; empty for none.</summary>
    public IReadOnlyList<string> CategoryFields { get; init; } = [];

    /// <summary>Joins several category fields, e.g. SALAD-Bench's three category levels, coarse to fine.</summary>
    public string CategorySeparator { get; init; } = " > ";

    /// <summary>All must hold for a row to be kept.</summary>
    public IReadOnlyList<RowFilter> Filters { get; init; } = [];

    public TextCleanup Cleanup { get; init; }

    /// <summary>
    /// JSON only: the file is one object holding parallel lists under these keys (Q-Harm's
    /// <c>instructions</c>; I-MaliciousInstructions' <c>instructions</c> and <c>tags</c>). Item i of the
    /// source has each key set to that list's item i. The lists must have equal lengths.
    /// </summary>
    public IReadOnlyList<string> ParallelLists { get; init; } = [];

    /// <summary>JSON only: an item may be a bare string, which is then the question (TDC's behaviors.json and
    /// HarmfulQ's toxic_outs.json are lists of strings; objects with the question key are accepted too).</summary>
    public bool AcceptBareStrings { get; init; }

    /// <summary>
    /// HEx-PHI quirk, reproduced on purpose: its CSVs have no header, but the original read them with the
    /// Hugging Face <c>datasets</c> CSV loader, which takes the first line as the column name. The first
    /// question of every file therefore never reached the pipeline (29 of 30 per category). True drops the
    /// first row of each file the same way.
    /// </summary>
    public bool FirstRowOfEachFileIsLost { get; init; }

    /// <summary>The category is the file's name without extension (HEx-PHI: <c>category_3</c>).</summary>
    public bool CategoryFromFileName { get; init; }

    /// <summary>Every column or key a row must have: checked once at the header for tabular files.</summary>
    internal IEnumerable<string> RequiredFields()
    {
        if (Question is not null) yield return Question;
        foreach (var c in CategoryFields) yield return c;
        foreach (var f in Filters) yield return f.Column;
    }
}
