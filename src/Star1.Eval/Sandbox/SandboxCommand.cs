using System.Diagnostics;
using System.Globalization;

namespace Star1.Eval.Sandbox;

/// <summary>
/// The child's command line and environment. Read outside in:
/// setsid (own process group) -> setpriv (root becomes nobody) -> unshare (user, network, PID and mount
/// namespaces) -> sh (the mount prelude; stays the namespace's first process) -> prlimit (rlimits) ->
/// python3 (the guard, then the program). Each step execs the next, so the process .NET started is the
/// group's leader, and killing it ends the namespace (--kill-child), which ends everything in it.
/// </summary>
internal static class SandboxCommand
{
    public const string ProgramFile = "program.py";
    public const string GuardFile = "_star1_guard.py";
    private const string Nobody = "65534";

    public static ProcessStartInfo Build(SandboxTools tools, SandboxIsolation isolation, string python, string folder, SandboxLimits limits)
    {
        var argv = new List<string>();
        if (isolation.OwnProcessGroup) argv.Add(tools.Setsid!);
        if (isolation.DropsRoot) argv.AddRange([tools.Setpriv!, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"]);
        if (isolation.Namespaces)
        {
            argv.AddRange([tools.Unshare!, "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"]);
            if (isolation.ReadOnlyFilesystem) argv.AddRange(["--mount", "--mount-proc"]);
            argv.AddRange(["--", tools.Shell!, "-c", isolation.ReadOnlyFilesystem ? SandboxScripts.MountPrelude : SandboxScripts.PidOnePrelude, "star1-sandbox", folder]);
        }
        if (isolation.ResourceLimits)
        {
            argv.AddRange([
                tools.Prlimit!,
                Limit("as", limits.MemoryBytes),
                $"--cpu={limits.CpuSeconds}:{limits.CpuSeconds + 1}", // SIGXCPU first, SIGKILL a second later
                Limit("nproc", ProcessLimit(isolation, limits)),
                Limit("fsize", limits.MaxFileBytes),
                Limit("nofile", limits.MaxOpenFiles),
                "--core=0",
                "--",
            ]);
        }
        // -B: no .pyc files; -s: no user site-packages (the real HOME's packages stay out).
        argv.AddRange([python, "-B", "-s"]);
        var program = Path.Combine(folder, ProgramFile);
        if (limits.PythonGuard)
            argv.AddRange([Path.Combine(folder, GuardFile), folder, program, (limits.MaxProcesses - 1).ToString(CultureInfo.InvariantCulture)]);
        else
            argv.Add(program);

        var start = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        // Nothing inherited: the API keys of the run (OPENAI_API_KEY, HF_TOKEN, ...) live in our environment.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = folder;
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONHASHSEED"] = "0";
        return start;
    }

    private static string Limit(string name, long value) => $"--{name}={value.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>In a user namespace of its own the child's tasks are counted apart from the machine's, the
    /// prelude shell being one of them; outside one, every task of the same user counts.</summary>
    private static long ProcessLimit(SandboxIsolation isolation, SandboxLimits limits)
    {
        if (isolation.Namespaces) return limits.MaxProcesses + 1;
        var uid = isolation.DropsRoot ? uint.Parse(Nobody, CultureInfo.InvariantCulture) : NativeProcess.RealUid;
        return UserTasks.Count(uid) + limits.MaxProcesses;
    }
}
