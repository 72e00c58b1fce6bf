using Cake.Core.Diagnostics;

namespace Star1.Host;

/// <summary>The command line of ./build.sh, parsed strictly: an unknown option is an error, not ignored.</summary>
public sealed record HostOptions
{
    public string Target { get; init; } = "Default";
    public bool Exclusive { get; init; }
    public bool DryRun { get; init; }
    public bool Tree { get; init; }
    public bool Describe { get; init; }
    public bool Help { get; init; }
    public Verbosity Verbosity { get; init; } = Verbosity.Normal;
    public string? Profile { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
    public bool Force { get; init; }
    public IReadOnlyList<string> ForceStages { get; init; } = [];
    public string ParamsFile { get; init; } = "params.yaml";
    public string ArtifactsDir { get; init; } = "artifacts";
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>--accept: mark the target's stale stages fresh without running them (like `dvc commit`).</summary>
    public bool Accept { get; init; }

    /// <summary>Gc: also keep the N most recently used run-cache entries of each stage.</summary>
    public int KeepLast { get; init; }

    /// <summary>Gc: also keep run-cache entries used in the last D days.</summary>
    public double? KeepDays { get; init; }

    /// <summary>Gc: also keep the most recently used entries while their outputs fit in this many bytes.</summary>
    public long? KeepBytes { get; init; }

    public const string Usage = """
        Usage: ./build.sh [--target NAME] [options]

          --target, -t NAME      task to run (default: Default); --tree lists them
          --exclusive, -e        run only the target, not its dependencies
          --dryrun               show what would run and why, run nothing
          --tree                 print the task graph
          --description          list the tasks with their descriptions
          --verbosity, -v LEVEL  quiet | minimal | normal | verbose | diagnostic
          --profile NAME         params profile (default: the embedded offline run; 'paper' = the paper's settings)
          --set KEY.PATH=VALUE   override one params.yaml value for this run (repeatable)
          --force                re-run the target's stages even when fresh
          --force-stage NAME     re-run one stage even when fresh (repeatable)
          --params FILE          params file (default: params.yaml)
          --artifacts DIR        artifacts folder (default: artifacts)
          --lock-wait SECONDS    how long to wait for another build on the same artifacts (default: 30)
          --accept               mark the target's stale stages fresh without running them, for a change
                                 you know does not alter results (recorded in the lock, like dvc commit)
          --keep-last N          Gc: also keep each stage's N most recently used run-cache entries
          --keep-days D          Gc: also keep run-cache entries used in the last D days
          --keep-size SIZE       Gc: also keep recent entries up to SIZE bytes (suffix K, M, G allowed)
          --help, -h             this text
        """;

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HostOptions();
        var sets = new List<string>();
        var forced = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count || args[i + 1].StartsWith('-')) throw new ArgumentException($"{arg} needs a value");
                return args[++i];
            }
            options = arg.ToLowerInvariant() switch
            {
                "--target" or "-t" => options with { Target = Value() },
                "--exclusive" or "-e" => options with { Exclusive = true },
                "--dryrun" or "--dry-run" or "--noop" => options with { DryRun = true },
                "--tree" => options with { Tree = true },
                "--description" or "--descriptions" => options with { Describe = true },
                "--help" or "-h" => options with { Help = true },
                "--verbosity" or "-v" => options with { Verbosity = ParseVerbosity(Value()) },
                "--profile" => options with { Profile = Value() },
                "--set" => Add(options, sets, Value()),
                "--force" => options with { Force = true },
                "--force-stage" => Add(options, forced, Value()),
                "--params" => options with { ParamsFile = Value() },
                "--artifacts" => options with { ArtifactsDir = Value() },
                "--lock-wait" => options with { LockWait = TimeSpan.FromSeconds(ParseSeconds(Value())) },
                "--accept" => options with { Accept = true },
                "--keep-last" => options with { KeepLast = ParseCount(Value()) },
                "--keep-days" => options with { KeepDays = ParseDays(Value()) },
                "--keep-size" => options with { KeepBytes = ParseSize(Value()) },
                _ => throw new ArgumentException($"unknown option '{args[i]}' (see --help)"),
            };
        }
        return options with { Sets = sets, ForceStages = forced };
    }

    private static HostOptions Add(HostOptions options, List<string> list, string value)
    {
        list.Add(value);
        return options;
    }

    private static double ParseSeconds(string text) =>
        double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0
            ? s
            : throw new ArgumentException($"--lock-wait expects seconds, got '{text}'");

    private static int ParseCount(string text) =>
        int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new ArgumentException($"--keep-last expects a whole number of entries, got '{text}'");

    private static double ParseDays(string text) =>
        double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var d) && d >= 0
            ? d
            : throw new ArgumentException($"--keep-days expects a number of days, got '{text}'");

    /// <summary>"500M", "2G", "123456": bytes, with an optional binary K/M/G suffix.</summary>
    private static long ParseSize(string text)
    {
        var trimmed = text.Trim().ToUpperInvariant().TrimEnd('B');
        var multiplier = trimmed.EndsWith('K') ? 1L << 10 : trimmed.EndsWith('M') ? 1L << 20 : trimmed.EndsWith('G') ? 1L << 30 : 1;
        var digits = multiplier == 1 ? trimmed : trimmed[..^1];
        return double.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (long)(value * multiplier)
            : throw new ArgumentException($"--keep-size expects a size such as 500M or 2G, got '{text}'");
    }

    private static Verbosity ParseVerbosity(string text) => text.ToLowerInvariant() switch
    {
        "quiet" or "q" => Verbosity.Quiet,
        "minimal" or "m" => Verbosity.Minimal,
        "normal" or "n" => Verbosity.Normal,
        "verbose" or "v" => Verbosity.Verbose,
        "diagnostic" or "diag" or "d" => Verbosity.Diagnostic,
        _ => throw new ArgumentException($"--verbosity: unknown level '{text}' (quiet, minimal, normal, verbose, diagnostic)"),
    };
}
