namespace Star1.Eval.Sandbox;

/// <summary>
/// The util-linux programs the sandbox builds its command line from, by full path (the child's PATH is
/// minimal and ours may hold look-alikes). A missing one weakens the sandbox and says so in the warnings.
/// </summary>
internal sealed record SandboxTools(string? Setsid, string? Setpriv, string? Unshare, string? Prlimit, string? Shell)
{
    public static SandboxTools Find() =>
        new(Locate("setsid"), Locate("setpriv"), Locate("unshare"), Locate("prlimit"), Locate("sh"));

    private static string? Locate(string name) =>
        OperatingSystem.IsWindows()
            ? null
            : new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
