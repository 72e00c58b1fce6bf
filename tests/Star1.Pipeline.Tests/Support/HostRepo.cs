using System.Text.Json;
using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// A throw-away repository on which the host tests' graph (HostFirst -> HostSecond, HostAll, ...) runs
/// through the real host and the real Cake engine, its console output captured.
/// </summary>
public sealed class HostRepo : IDisposable
{
    public const string DefaultParams = """
        first:
          n: 3        # how many lines First writes
        second:
          suffix: "!"
        other:
          k: 1
        profiles:
          big:
            first:
              n: 5
        """;

    private readonly StringWriter output = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "star1-host-" + Guid.NewGuid().ToString("N")[..10]);

    public HostRepo(string paramsYaml = DefaultParams)
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "params.yaml"), paramsYaml);
    }

    public Workspace Workspace => new(Root, Path.Combine(Root, "artifacts"));
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Everything the host printed since the last <see cref="ClearOutput"/>.</summary>
    public string Output => output.ToString();
    public void ClearOutput() => output.GetStringBuilder().Clear();

    /// <summary>A plain console (no colours, wide lines) writing into <see cref="Output"/>.</summary>
    public IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 2000;
        return console;
    }

    public Task<int> Run(params string[] args) =>
        BuildHost.RunAsync(args, typeof(HostRepo).Assembly, (cake, engine, options) => new HostTestContext(cake, engine, options), Console(), Root);

    public JsonElement LatestRecord() => JsonDocument.Parse(File.ReadAllText(PathOf("artifacts", "runs", "latest.json"))).RootElement;

    /// <summary>Stage -> executed / up-to-date / restored / accepted / failed, from the last run record.</summary>
    public Dictionary<string, string> StageStatuses() =>
        LatestRecord().GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("status").GetString()!);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
