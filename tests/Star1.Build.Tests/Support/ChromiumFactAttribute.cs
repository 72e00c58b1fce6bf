namespace Star1.Build.Tests.Support;

/// <summary>A test that renders a page in headless Chromium: skipped, saying why, on a machine without it.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path)) Skip = $"{Path} not found: the report's page is rendered in headless Chromium (apt-get install chromium)";
    }
}
