namespace Star1.Data.Collect.Sources;

/// <summary>Which source and file a reader is reading, so every error it raises can name both.</summary>
internal sealed record FileContext(string SourceName, string FullPath, string DisplayPath)
{
    public SourceDataException Fail(string location, string problem, Exception? inner = null) =>
        new(SourceName, DisplayPath, location, problem, inner);
}
