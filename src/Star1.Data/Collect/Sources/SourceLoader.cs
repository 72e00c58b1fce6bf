using Star1.Data.Collect.Sampling;

namespace Star1.Data.Collect.Sources;

/// <summary>What loading a source did, row by row, so a run can report where every row went.</summary>
/// <param name="Rows">Records read from the files.</param>
/// <param name="LostAsHeader">Rows dropped because the original read them as a header (HEx-PHI).</param>
/// <param name="FilteredOut">Rows a filter dropped.</param>
/// <param name="NotSampled">Rows left out by the seeded sample.</param>
/// <param name="EmptyQuestion">Rows whose question is null, empty or only white space (after the
/// source's clean-up): skipped, as no question can be made of them. wildjailbreak's train split has
/// such rows in <c>vanilla</c>; pandas would have read them as "" (the original passes
/// <c>keep_default_na=False</c>) and carried them along as empty questions.</param>
public sealed record SourceLoadCounts(int Rows, int LostAsHeader, int FilteredOut, int NotSampled, int EmptyQuestion);

/// <summary>The questions of one source and how many rows went where.</summary>
public sealed record SourceLoadResult(SourceSpec Spec, IReadOnlyList<RawQuestion> Questions, SourceLoadCounts Counts);

/// <summary>
/// Reads a source's files (already on disk: see <see cref="SourceFetcher"/>) and maps their rows to
/// questions as PAPER.md section 1 says. Files are read in the spec's order and rows in file order.
/// Text is kept as the file gives it, apart from the source's own clean-up (ALERT's markers).
/// </summary>
public static class SourceLoader
{
    /// <summary>A training source as the funnel takes it.</summary>
    public static LoadedSource LoadTraining(SourceSpec spec, string mirrorDir)
    {
        if (spec.Role != SourceRole.Training)
            throw new ArgumentException($"{spec.Name} is a test set; load it with {nameof(LoadTest)}", nameof(spec));
        var result = Load(spec, mirrorDir);
        return new LoadedSource(spec.Name, spec.SelfNgramN, result.Questions);
    }

    /// <summary>A test set as the funnel's decontamination takes it (question texts only).</summary>
    public static LoadedTestSet LoadTest(SourceSpec spec, string mirrorDir)
    {
        if (spec.Role != SourceRole.Test)
            throw new ArgumentException($"{spec.Name} is a training source; load it with {nameof(LoadTraining)}", nameof(spec));
        var result = Load(spec, mirrorDir);
        return new LoadedTestSet(spec.Name, result.Questions.Select(q => q.Text).ToList());
    }

    /// <summary>Loads any source and reports the row counts.</summary>
    /// <exception cref="MissingSourceFilesException">A file is not on disk.</exception>
    /// <exception cref="SourceDataException">A file does not have the expected shape.</exception>
    public static SourceLoadResult Load(SourceSpec spec, string mirrorDir)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(mirrorDir);
        ValidateMapping(spec);

        var missing = SourceFetcher.MissingFiles(spec, mirrorDir);
        if (missing.Count > 0)
            throw new MissingSourceFilesException([new MissingSource(spec, missing)], "found while loading");

        int rowCount = 0, lostAsHeader = 0, filteredOut = 0, notSampled = 0, emptyQuestion = 0;
        // Filtered rows before the question is read: a seeded sample is drawn over all rows that pass
        // the filters (as datasets' filter -> shuffle -> select did), empty questions included.
        var kept = new List<(string? Text, string? Category)>();
        foreach (var path in spec.FilePaths(mirrorDir))
        {
            var file = new FileContext(spec.Name, path, spec.DisplayPath(path, mirrorDir));
            using var rows = Open(spec, file);
            CheckColumns(spec, file, rows.Columns);
            int rowInFile = 0;
            foreach (var row in rows.Rows())
            {
                rowCount++;
                if (rowInFile++ == 0 && spec.Mapping.FirstRowOfEachFileIsLost)
                {
                    lostAsHeader++;
                    continue;
                }
                if (!PassesFilters(spec.Mapping, file, row))
                {
                    filteredOut++;
                    continue;
                }
                kept.Add((QuestionText(spec.Mapping, file, row), Category(spec.Mapping, file, row)));
            }
            // An empty file is almost always a failed copy or a wrong path; whatever the format, say so
            // rather than carry on with a source that silently contributes nothing.
            if (rowInFile == 0) throw file.Fail("", NoRows(spec.Format, rows.Columns));
        }

        IReadOnlyList<(string? Text, string? Category)> chosen = kept;
        if (spec.Sample is { } sample)
        {
            if (kept.Count < sample.Count)
                throw new SourceDataException(spec.Name, string.Join(", ", spec.Files.Select(f => f.Path)), "",
                    $"the seeded sample needs {sample.Count} rows after the filters ({string.Join(" and ", spec.Mapping.Filters)}) but there are {kept.Count}");
            chosen = NumpyPermutation.ShuffleAndTake(kept, sample.Seed, sample.Count);
            notSampled = kept.Count - sample.Count;
        }

        var questions = new List<RawQuestion>(chosen.Count);
        foreach (var (text, category) in chosen)
        {
            var question = text is null ? null : TextCleaning.Apply(spec.Mapping.Cleanup, text);
            if (string.IsNullOrWhiteSpace(question))
            {
                emptyQuestion++;
                continue;
            }
            questions.Add(new RawQuestion(question, spec.Name, category));
        }

        return new SourceLoadResult(spec, questions,
            new SourceLoadCounts(rowCount, lostAsHeader, filteredOut, notSampled, emptyQuestion));
    }

    private static IRowSource Open(SourceSpec spec, FileContext file) => spec.Format switch
    {
        SourceFormat.Csv => new DelimitedRowSource(file, ',', hasHeader: true),
        SourceFormat.Tsv => new DelimitedRowSource(file, '\t', hasHeader: true),
        SourceFormat.HeaderlessCsv => new DelimitedRowSource(file, ',', hasHeader: false),
        SourceFormat.Json or SourceFormat.JsonLines => new JsonRowSource(file, spec.Mapping),
        SourceFormat.Text => new TextLineRowSource(file),
        SourceFormat.Parquet => new ParquetRowSource(file, spec.Mapping.RequiredFields()),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Format, "unknown format"),
    };

    /// <summary>Tabular files: every column the mapping reads must be in the header, checked before any row.</summary>
    private static void CheckColumns(SourceSpec spec, FileContext file, IReadOnlyList<string>? columns)
    {
        if (columns is null) return;
        foreach (var needed in spec.Mapping.RequiredFields())
        {
            if (columns.Contains(needed, StringComparer.Ordinal)) continue;
            if (columns.Count == 0)
                throw file.Fail("", NoRows(spec.Format, columns));
            throw file.Fail(spec.Format == SourceFormat.Parquet ? "schema" : "line 1",
                $"column '{needed}' not found; columns are: {string.Join(", ", columns)}");
        }
    }

    /// <summary>The one wording for a file that gives no rows, so every format reports it alike.</summary>
    private static string NoRows(SourceFormat format, IReadOnlyList<string>? columns) => format switch
    {
        SourceFormat.Csv or SourceFormat.Tsv when columns is { Count: > 0 } => "has no rows (only a header line)",
        SourceFormat.Parquet => "has no rows",
        _ => "has no rows (the file is empty or holds only blank lines)",
    };

    private static bool PassesFilters(RecordMapping mapping, FileContext file, SourceRow row)
    {
        foreach (var filter in mapping.Filters)
            if (!filter.Matches(Required(file, row, filter.Column)))
                return false;
        return true;
    }

    private static string? QuestionText(RecordMapping mapping, FileContext file, SourceRow row)
    {
        switch (row)
        {
            case TextLineRow line:
                return line.Line;
            case JsonRow { IsBareString: true } bare when mapping.AcceptBareStrings:
                return bare.Element.GetString();
            case JsonRow json when mapping.Question is null:
                // A list of strings declared without a question key: anything else has no question to take.
                throw file.Fail(row.Location, $"expected a string (no question key is declared, so each item must be the question itself), found a {json.KindName}");
            case JsonRow json when json.Element.ValueKind != System.Text.Json.JsonValueKind.Object:
                throw file.Fail(row.Location, mapping.AcceptBareStrings
                    ? $"expected an object with key '{mapping.Question}' or a string, found a {json.KindName}"
                    : $"expected an object with key '{mapping.Question}', found a {json.KindName}");
        }
        return Required(file, row, mapping.Question!);
    }

    private static string? Category(RecordMapping mapping, FileContext file, SourceRow row)
    {
        if (mapping.CategoryFromFileName) return Path.GetFileNameWithoutExtension(file.FullPath);
        if (mapping.CategoryFields.Count == 0) return null;
        // A bare-string item has no category keys (TDC, HarmfulQ have none mapped anyway).
        if (row is JsonRow { IsBareString: true }) return null;
        var parts = mapping.CategoryFields.Select(c => Required(file, row, c)).Where(p => !string.IsNullOrEmpty(p)).ToList();
        return parts.Count == 0 ? null : string.Join(mapping.CategorySeparator, parts);
    }

    /// <summary>A field the mapping needs: missing or unusable is an error naming the row and the key.</summary>
    private static string? Required(FileContext file, SourceRow row, string key)
    {
        var value = row.Get(key);
        if (!value.Exists)
        {
            var keys = row.Keys.ToList();
            throw file.Fail(row.Location, keys.Count == 0
                ? $"key '{key}' not found (the record has no keys)"
                : $"key '{key}' not found; keys are: {string.Join(", ", keys)}");
        }
        if (value.Problem is { } problem) throw file.Fail(row.Location, problem);
        return value.Text;
    }

    /// <summary>Specs are data; catch a spec that cannot work before reading gigabytes.</summary>
    private static void ValidateMapping(SourceSpec spec)
    {
        var m = spec.Mapping;
        if (spec.Files.Count == 0) throw new ArgumentException($"{spec.Name}: the spec lists no files", nameof(spec));
        if (spec.Format == SourceFormat.Text)
        {
            if (m.Question is not null || m.CategoryFields.Count > 0 || m.Filters.Count > 0)
                throw new ArgumentException($"{spec.Name}: a plain-text source has no columns to map or filter", nameof(spec));
        }
        else if (m.Question is null && !(m.AcceptBareStrings && spec.Format is SourceFormat.Json or SourceFormat.JsonLines))
        {
            throw new ArgumentException($"{spec.Name}: the mapping names no question field", nameof(spec));
        }
        else if (m.Question is null && (m.CategoryFields.Count > 0 || m.Filters.Count > 0))
        {
            throw new ArgumentException($"{spec.Name}: a list of strings has no keys to filter or take a category from", nameof(spec));
        }
        if (m.ParallelLists.Count > 0 && spec.Format != SourceFormat.Json)
            throw new ArgumentException($"{spec.Name}: parallel lists are a JSON layout", nameof(spec));
        if (spec.Role == SourceRole.Training && spec.SelfNgramN <= 0)
            throw new ArgumentException($"{spec.Name}: a training source needs a self n-gram size above 0", nameof(spec));
    }
}
