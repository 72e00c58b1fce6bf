namespace Star1.Data.Tests;

/// <summary>The checkout the tests run from, so they can read what ships in it (data/demo).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "STAR1.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no STAR1.sln above {AppContext.BaseDirectory}, so data/demo cannot be found");
    }
}
