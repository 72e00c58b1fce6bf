namespace Star1.Data.Collect.Sources;

/// <summary>Whether a source feeds the training pool or is a test set used for decontamination.</summary>
public enum SourceRole { Training, Test }

/// <summary>How a source's files are laid out.</summary>
public enum SourceFormat
{
    /// <summary>Comma-separated, first row is the header, RFC 4180 quoting (pandas-compatible).</summary>
    Csv,
    /// <summary>Tab-separated, first row is the header, same quoting as <see cref="Csv"/>.</summary>
    Tsv,
    /// <summary>Comma-separated without a header; columns are named "0", "1", ... (HEx-PHI).</summary>
    HeaderlessCsv,
    /// <summary>A JSON array of records, or an object holding lists (see <see cref="RecordMapping.ParallelLists"/>).
    /// JSON Lines is accepted too: several upstream formats are unconfirmed.</summary>
    Json,
    /// <summary>One JSON value per line; a single JSON array is accepted too.</summary>
    JsonLines,
    /// <summary>One question per line; blank lines are skipped.</summary>
    Text,
    /// <summary>Apache Parquet (the Hugging Face hub's parquet copies); string and boolean columns.</summary>
    Parquet,
}

/// <summary>
/// One file of a source. <paramref name="Path"/> is relative to the source's mirror folder
/// (<c>&lt;mirror&gt;/&lt;Folder&gt;/</c>, keeping the upstream file name) or absolute for a user-declared source.
/// </summary>
/// <param name="Path">Where the file lives, relative to the source's mirror folder or absolute.</param>
/// <param name="Url">Where to download it; null when there is nowhere to download it from.</param>
/// <param name="IsShardSeries">The Hugging Face parquet copy splits a large split into
/// <c>0000.parquet</c>, <c>0001.parquet</c>, ...; the count is only known by asking for the next one.
/// When true, <paramref name="Path"/> and <paramref name="Url"/> name shard 0000.</param>
public sealed record SourceFile(string Path, string? Url = null, bool IsShardSeries = false);

/// <summary>A shuffle with NumPy's <c>default_rng(Seed)</c> followed by taking the first <c>Count</c> rows.</summary>
public sealed record SeededSample(ulong Seed, int Count);

/// <summary>
/// Everything needed to find, fetch and read one source: its files, their format, and how rows become
/// questions. Build the paper's with <see cref="PaperSources"/>, a user's with <see cref="CustomSourceSpec"/>.
/// </summary>
public sealed record SourceSpec
{
    /// <summary>The source name as PAPER.md section 1 spells it; it becomes <see cref="RawQuestion.Source"/>.</summary>
    public required string Name { get; init; }
    public required SourceRole Role { get; init; }
    /// <summary>The self n-gram dedup size (training sources only; 0 for test sets).</summary>
    public int SelfNgramN { get; init; }
    public required SourceFormat Format { get; init; }
    /// <summary>The files, read in this order (e.g. PKU-SafeRLHF's train files before its test files).</summary>
    public required IReadOnlyList<SourceFile> Files { get; init; }
    public required RecordMapping Mapping { get; init; }
    /// <summary>True when the host only serves the files after the user accepted the terms (Hugging Face gated sets).</summary>
    public bool Gated { get; init; }
    /// <summary>The page where a person can read about and get the data (repository or dataset page).</summary>
    public string? Page { get; init; }
    /// <summary>The mirror sub-folder; defaults to <see cref="Name"/>. The WildJailbreak evaluation set shares
    /// the <c>wildjailbreak</c> folder with the training split because both come from one repository.</summary>
    public string? Folder { get; init; }
    /// <summary>A seeded sample taken after the filters (WildJailbreak eval: seed 42, 250 rows).</summary>
    public SeededSample? Sample { get; init; }

    /// <summary>The folder this source's relative file paths hang from.</summary>
    public string MirrorFolder(string mirrorDir) => System.IO.Path.Combine(mirrorDir, Folder ?? Name);

    /// <summary>Where <paramref name="file"/> is expected on disk (shard 0000 for a shard series).</summary>
    public string ExpectedPath(SourceFile file, string mirrorDir) =>
        System.IO.Path.IsPathRooted(file.Path)
            ? file.Path
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(MirrorFolder(mirrorDir), file.Path));

    /// <summary>
    /// The files to read, in order, as absolute paths; a shard series expands to the shards on disk.
    /// Callers hash these for their cache. Files that are missing are still listed (at their expected path).
    /// </summary>
    public IReadOnlyList<string> FilePaths(string mirrorDir)
    {
        var paths = new List<string>();
        foreach (var file in Files)
        {
            var first = ExpectedPath(file, mirrorDir);
            if (file.IsShardSeries) paths.AddRange(ShardSeries.OnDisk(first));
            else paths.Add(first);
        }
        return paths;
    }

    /// <summary>How a file is named in messages: relative to the mirror for mirrored files, absolute otherwise.</summary>
    internal string DisplayPath(string absolutePath, string mirrorDir)
    {
        var folder = MirrorFolder(mirrorDir);
        var relative = System.IO.Path.GetRelativePath(folder, absolutePath);
        return relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative)
            ? absolutePath
            : System.IO.Path.Combine(Folder ?? Name, relative).Replace('\\', '/');
    }
}
