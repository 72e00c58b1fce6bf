namespace Star1.Data.Collect.Sources;

/// <summary>
/// The value of one field of one row. <see cref="Exists"/> is false when the row has no such column
/// or key; <see cref="Problem"/> says why a present field cannot be used as text (a JSON object, a CSV
/// row with too few cells). <see cref="Text"/> is null for a null value.
/// </summary>
internal readonly record struct FieldValue(bool Exists, string? Text, string? Problem = null)
{
    public static readonly FieldValue Absent = new(false, null);
}

/// <summary>One record of a source file, whatever its format, with where it sits in the file.</summary>
internal abstract class SourceRow
{
    /// <summary>Where the row is, for messages: "line 17", "row 3", "element 12 (line 40)".</summary>
    public abstract string Location { get; }

    public abstract FieldValue Get(string key);

    /// <summary>The keys the row has, listed in a "not found" message.</summary>
    public abstract IEnumerable<string> Keys { get; }
}

/// <summary>A plain-text line: the whole line is the question.</summary>
internal sealed class TextLineRow(string line, long lineNumber) : SourceRow
{
    public string Line { get; } = line;
    public override string Location => $"line {lineNumber}";
    public override FieldValue Get(string key) => FieldValue.Absent;
    public override IEnumerable<string> Keys => [];
}

/// <summary>Any reader of rows: tabular readers know their columns before the first row.</summary>
internal interface IRowSource : IDisposable
{
    /// <summary>The header's column names, or null for formats whose keys vary by row (JSON).</summary>
    IReadOnlyList<string>? Columns { get; }

    IEnumerable<SourceRow> Rows();
}
