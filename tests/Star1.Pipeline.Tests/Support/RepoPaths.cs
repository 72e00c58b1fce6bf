namespace Star1.Pipeline.Tests.Support;

/// <summary>Finds the repository root from the test's output folder (the folder holding STAR1.sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "STAR1.sln"))) return dir.FullName;
        throw new InvalidOperationException("STAR1.sln not found above " + AppContext.BaseDirectory);
    }
}
