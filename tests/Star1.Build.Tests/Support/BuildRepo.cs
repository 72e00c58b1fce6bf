using Spectre.Console;
using Star1.Host;

namespace Star1.Build.Tests.Support;

/// <summary>
/// A throw-away repository holding a copy of the shipped params.yaml, on which the real STAR1 graph runs
/// through the real host, its console output captured.
/// </summary>
public sealed class BuildRepo : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "star1-build-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly StringWriter output = new();

    /// <summary>What the last <see cref="Run"/> printed.</summary>
    public string Output => output.ToString();

    public BuildRepo(Func<string, string>? editParams = null)
    {
        Directory.CreateDirectory(Root);
        var yaml = File.ReadAllText(Path.Combine(Pipeline.Tests.Support.RepoPaths.Root, "params.yaml"));
        File.WriteAllText(Path.Combine(Root, "params.yaml"), editParams is null ? yaml : editParams(yaml));
    }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies a folder of the repository (the demo corpus, the prompts) into this one.</summary>
    public BuildRepo WithRepoFolder(string relative) => CopyTree(Path.Combine(Pipeline.Tests.Support.RepoPaths.Root, relative), PathOf(relative));

    /// <summary>A copy of another test repository as it is now: params, inputs, artifacts, caches and lock.</summary>
    public static BuildRepo CopyOf(BuildRepo template)
    {
        var copy = new BuildRepo();
        return copy.CopyTree(template.Root, copy.Root);
    }

    private BuildRepo CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        return this;
    }

    public async Task<int> Run(params string[] args)
    {
        output.GetStringBuilder().Clear();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 250;
        return await BuildHost.RunAsync(args, typeof(BuildContext).Assembly, (cake, engine, options) => new BuildContext(cake, engine, options), console, Root);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
