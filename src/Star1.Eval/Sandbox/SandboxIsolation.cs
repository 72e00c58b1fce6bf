namespace Star1.Eval.Sandbox;

/// <summary>
/// Which operating-system protections the sandbox uses on this machine. Found once per process by running a
/// probe program under each candidate, strongest first, and keeping the first that works: so what a result
/// claims was measured here, not assumed from the kernel's version.
/// </summary>
public sealed record SandboxIsolation
{
    /// <summary>Running as root, the child first becomes nobody (setpriv): the kernel does not apply RLIMIT_NPROC
    /// to root, and nobody cannot write into folders that are not its own.</summary>
    public bool DropsRoot { get; init; }

    /// <summary>unshare --user --net --pid: no network interface but a downed loopback, and a process namespace
    /// whose end kills every process in it.</summary>
    public bool Namespaces { get; init; }

    /// <summary>unshare --mount plus the mount prelude: everything but the program's folder read-only, and a /proc
    /// of its own (--mount-proc) that shows only the program's processes, not ours and their environments.</summary>
    public bool ReadOnlyFilesystem { get; init; }

    /// <summary>prlimit found: the rlimits (address space, CPU, processes, file size, descriptors) are applied.</summary>
    public bool ResourceLimits { get; init; }

    /// <summary>setsid found: the child leads its own process group, which the timeout kills as a whole.</summary>
    public bool OwnProcessGroup { get; init; }

    /// <summary>RLIMIT_NPROC binds the child (it is not root outside a namespace of its own).</summary>
    public bool ProcessLimitEnforced => ResourceLimits && (!NativeProcess.IsRoot || DropsRoot);

    /// <summary>What this machine cannot give, one sentence each; repeated on every result.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (!Namespaces)
                warnings.Add("network not isolated: no user namespace here (unshare --user --net failed); only the Python guard refuses sockets");
            if (!ReadOnlyFilesystem)
                warnings.Add("filesystem not read-only outside the program's folder: only file permissions and the Python guard refuse writes");
            if (!ReadOnlyFilesystem && !DropsRoot)
                warnings.Add("other processes visible: without its own /proc the program, running as our user, could read our environment from /proc/PID/environ; only the Python guard refuses it");
            if (!ResourceLimits)
                warnings.Add("no resource limits: prlimit not found; only the wall-clock timeout stops a program");
            else if (!ProcessLimitEnforced)
                warnings.Add("process limit not enforced: the child runs as root, which RLIMIT_NPROC does not bind");
            if (!Namespaces)
                warnings.Add("strays not contained: without a PID namespace, a descendant that leaves the process group and outlives the program survives it");
            if (!OwnProcessGroup && !Namespaces)
                warnings.Add("no process group of its own: the timeout kills the child and the descendants it can find, not strays");
            return warnings;
        }
    }

    internal static SandboxIsolation None(SandboxTools tools) =>
        new() { ResourceLimits = tools.Prlimit is not null, OwnProcessGroup = tools.Setsid is not null };
}
