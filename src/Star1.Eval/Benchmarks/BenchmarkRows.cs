using System.Text.Json;
using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// One row of a benchmark file, read through Collect's readers, with errors that name the file and the
/// row (Collect's <see cref="SourceDataException"/>).
/// </summary>
internal sealed class BenchmarkRow(SourceRow row, FileContext file, int index)
{
    /// <summary>0-based position of the row among the rows read from the spec's files.</summary>
    public int Index { get; } = index;

    public string Location => row.Location;

    /// <summary>A field that may be absent or null.</summary>
    public string? Optional(string key)
    {
        var value = row.Get(key);
        if (!value.Exists) return null;
        if (value.Problem is { } problem) throw Fail(problem);
        return value.Text;
    }

    /// <summary>A field that must be there, listing the keys the row has when it is not.</summary>
    public string Required(string key)
    {
        var value = row.Get(key);
        if (!value.Exists) throw Fail($"key '{key}' not found; keys are: {string.Join(", ", row.Keys)}");
        if (value.Problem is { } problem) throw Fail(problem);
        return value.Text ?? throw Fail($"key '{key}' is null");
    }

    /// <summary>JSON rows only: the raw element under a key (lists of options in the demo files).</summary>
    public JsonElement? Json(string key) =>
        row is JsonRow { Element.ValueKind: JsonValueKind.Object } json && json.Element.TryGetProperty(key, out var value) ? value : null;

    public SourceDataException Fail(string problem) => file.Fail(row.Location, problem);
}

/// <summary>Opens a benchmark's files with the reader its format needs (the ones Collect uses).</summary>
internal static class BenchmarkRows
{
    /// <summary>
    /// The rows of every file of <paramref name="spec"/>, in order. <paramref name="columns"/> are the
    /// columns parquet must read (it reads only those) and tabular files must have (checked at the header).
    /// </summary>
    public static IEnumerable<BenchmarkRow> Read(SourceSpec spec, string mirrorDir, params string[] columns)
    {
        int index = 0;
        foreach (var path in spec.FilePaths(mirrorDir))
        {
            var file = new FileContext(spec.Name, path, spec.DisplayPath(path, mirrorDir));
            using var source = Open(spec, file, columns);
            if (source.Columns is { } header)
                foreach (var column in columns)
                    if (!header.Contains(column, StringComparer.Ordinal))
                        throw file.Fail(spec.Format == SourceFormat.Parquet ? "schema" : "line 1",
                            $"column '{column}' not found; columns are: {string.Join(", ", header)}");
            int inFile = 0;
            foreach (var row in source.Rows())
            {
                inFile++;
                yield return new BenchmarkRow(row, file, index++);
            }
            if (inFile == 0) throw file.Fail("", "has no rows");
        }
    }

    /// <summary>Where a file of the spec is shown in messages (relative to the mirror).</summary>
    public static string Display(SourceSpec spec, string mirrorDir) =>
        spec.DisplayPath(spec.FilePaths(mirrorDir)[0], mirrorDir);

    private static IRowSource Open(SourceSpec spec, FileContext file, string[] columns) => spec.Format switch
    {
        SourceFormat.Csv => new DelimitedRowSource(file, ',', hasHeader: true),
        SourceFormat.Tsv => new DelimitedRowSource(file, '\t', hasHeader: true),
        SourceFormat.Json or SourceFormat.JsonLines => new JsonRowSource(file, spec.Mapping),
        SourceFormat.Parquet => new ParquetRowSource(file, columns),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Format, "benchmarks are CSV, TSV, JSON or parquet"),
    };
}
