using Star1.Data.Deliberation;

namespace Star1.Eval.Tests.Judging;

/// <summary>The checkout's prompt files, the tiny tokenizer fixture, and scratch folders for the judging tests.</summary>
internal static class JudgingFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static Func<string, string> Read { get; } = PromptFiles.FromRepo(RepositoryRoot);

    public static string TinyTokenizerFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "STAR1.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no STAR1.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A fresh folder under the temp directory, deleted when disposed.</summary>
    public sealed class Scratch : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"star1-judging-{Guid.NewGuid():N}");
        public Scratch() => Directory.CreateDirectory(Path);
        public string this[string child] => System.IO.Path.Combine(Path, child);
        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
    }
}
