namespace Star1.Eval.Sandbox;

/// <summary>What happened to one program run in the sandbox.</summary>
public sealed record SandboxResult
{
    public required SandboxOutcome Outcome { get; init; }

    public bool Passed => Outcome == SandboxOutcome.Passed;

    /// <summary>The exit status; 128 + n when signal n ended it; null when it never started or could not be read.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The last <see cref="SandboxLimits.MaxOutputBytes"/> bytes of stdout (UTF-8, trimmed).</summary>
    public string Stdout { get; init; } = "";

    /// <summary>The last <see cref="SandboxLimits.MaxOutputBytes"/> bytes of stderr (UTF-8, trimmed).</summary>
    public string Stderr { get; init; } = "";

    public TimeSpan Duration { get; init; }

    /// <summary>One line for people: "passed", "AssertionError: assert candidate(2) == 4", "timed out after 3 s".</summary>
    public required string Reason { get; init; }

    /// <summary>Protections this machine could not give, said on every result so a weaker run is never
    /// silent (e.g. "network not isolated").</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The program had no network (its own empty network namespace).</summary>
    public bool NetworkIsolated { get; init; }

    /// <summary>Everything but the program's folder was read-only to it (its own mount namespace).</summary>
    public bool FilesystemReadOnly { get; init; }

    /// <summary>The temporary folder the program ran in (deleted by now): its path is in the child's command
    /// line, which lets a check find stray processes.</summary>
    public string Folder { get; init; } = "";
}
