namespace Star1.Eval.Sandbox;

/// <summary>
/// What one sandboxed program may use. The defaults follow the paper's HumanEval setting (a 3 s timeout per
/// item, section 6) and leave room for an ordinary Python solution: a few MiB of code and data, no children.
/// </summary>
public sealed record SandboxLimits
{
    /// <summary>Wall-clock time before the whole process tree is killed (the paper's 3 s).</summary>
    public double TimeoutSeconds { get; init; } = 3;

    /// <summary>CPU seconds (RLIMIT_CPU). Above the wall clock so the wall clock normally decides; it still
    /// stops a process that escaped the kill from burning a core forever.</summary>
    public int CpuSeconds { get; init; } = 5;

    /// <summary>Address space (RLIMIT_AS): a program that allocates without bound gets MemoryError here.</summary>
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Processes (RLIMIT_NPROC) the program may run at once, itself included: a fork bomb hits it.</summary>
    public int MaxProcesses { get; init; } = 32;

    /// <summary>Largest file the program may write (RLIMIT_FSIZE): it cannot fill the disk from its folder.</summary>
    public long MaxFileBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Open file descriptors (RLIMIT_NOFILE).</summary>
    public int MaxOpenFiles { get; init; } = 256;

    /// <summary>Bytes kept from each of stdout and stderr (the tail); the rest is read and dropped, so a
    /// chatty program never blocks on a full pipe nor fills our memory.</summary>
    public int MaxOutputBytes { get; init; } = 64 * 1024;

    /// <summary>Run the program under the Python audit-hook guard (writes outside the folder, sockets,
    /// extra processes and ctypes refused). A second line behind the OS limits; tests turn it off to check
    /// the OS line on its own.</summary>
    public bool PythonGuard { get; init; } = true;

    public static SandboxLimits Default { get; } = new();

    /// <summary>Names the first value that cannot work, before anything runs.</summary>
    internal void Validate()
    {
        if (!(TimeoutSeconds > 0) || double.IsInfinity(TimeoutSeconds))
            throw new ArgumentException($"sandbox: TimeoutSeconds must be a positive number of seconds, found {TimeoutSeconds}");
        if (CpuSeconds < 1) throw new ArgumentException($"sandbox: CpuSeconds must be at least 1, found {CpuSeconds}");
        if (MemoryBytes < 16L * 1024 * 1024)
            throw new ArgumentException($"sandbox: MemoryBytes must be at least 16 MiB (Python needs it to start), found {MemoryBytes}");
        if (MaxProcesses < 1) throw new ArgumentException($"sandbox: MaxProcesses must be at least 1, found {MaxProcesses}");
        if (MaxFileBytes < 0) throw new ArgumentException($"sandbox: MaxFileBytes cannot be negative, found {MaxFileBytes}");
        if (MaxOpenFiles < 16) throw new ArgumentException($"sandbox: MaxOpenFiles must be at least 16, found {MaxOpenFiles}");
        if (MaxOutputBytes < 0) throw new ArgumentException($"sandbox: MaxOutputBytes cannot be negative, found {MaxOutputBytes}");
    }
}
