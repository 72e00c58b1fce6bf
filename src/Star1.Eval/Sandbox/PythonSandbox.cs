using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Star1.Eval.Sandbox;

/// <summary>
/// Runs an untrusted Python program (a model's HumanEval solution and its tests) as a separate process in a
/// fresh temporary folder, deleted afterwards.
///
/// What protects what (strongest line first; <see cref="SandboxIsolation"/> says which lines this machine has,
/// and every result repeats the missing ones as warnings):
/// - secrets: the child's environment is built from nothing (PATH, HOME = its folder, LANG, two PYTHON*
///   settings), so API keys in ours never reach it. Relies on nothing but process creation: always on.
/// - network: its own network namespace (unshare --user --net) holds only a downed loopback, so connect fails
///   at the kernel. Without user namespaces the Python guard's socket refusal is all there is ("network not isolated").
/// - files outside its folder: its own mount namespace where every mount but its folder is read-only; as root
///   it also runs as nobody, which may not write into others' folders. Then the guard refuses writes outside.
/// - memory, CPU, processes, file size, descriptors: rlimits set by prlimit just before python3 starts
///   (RLIMIT_AS, _CPU, _NPROC, _FSIZE, _NOFILE). RLIMIT_NPROC does not bind root, hence the drop to nobody.
/// - time and strays: the wall clock kills the process group (setsid) and the process tree; inside a PID
///   namespace, the end of its first process (killed with unshare through --kill-child) ends every process
///   in it, a double-forked grandchild included.
/// - pipes: stdout and stderr are read concurrently to their end and only their tails kept.
/// </summary>
public static class PythonSandbox
{
    private static readonly Lazy<SandboxTools> Tools = new(SandboxTools.Find);
    private static readonly object DetectLock = new();
    private static Task<SandboxIsolation>? _isolation;

    /// <summary>Whether a python3 was found to run programs with.</summary>
    public static bool PythonAvailable => PythonInterpreter.Path is not null;

    /// <summary>The protections this machine gives, measured once per process (a few tenths of a second).</summary>
    public static Task<SandboxIsolation> IsolationAsync()
    {
        var python = PythonInterpreter.Path ?? throw new PythonNotFoundException();
        lock (DetectLock) return _isolation ??= Task.Run(() => DetectAsync(python));
    }

    /// <summary>Runs <paramref name="program"/> under <paramref name="limits"/>. Throws only when there is no
    /// python3 (<see cref="PythonNotFoundException"/>) or when <paramref name="cancellationToken"/> fires (the
    /// child is killed first); everything the program does ends in the result.</summary>
    public static async Task<SandboxResult> RunAsync(string program, SandboxLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        var python = PythonInterpreter.Path ?? throw new PythonNotFoundException();
        var isolation = await IsolationAsync().WaitAsync(cancellationToken);
        return await RunCoreAsync(program, limits, python, isolation, cancellationToken);
    }

    /// <summary>Runs under protections chosen by the caller instead of the measured ones: lets tests check one
    /// line (the Python guard) with the others switched off.</summary>
    internal static Task<SandboxResult> RunAsync(string program, SandboxLimits limits, SandboxIsolation isolation, CancellationToken cancellationToken = default)
    {
        limits.Validate();
        var python = PythonInterpreter.Path ?? throw new PythonNotFoundException();
        return RunCoreAsync(program, limits, python, isolation, cancellationToken);
    }

    private static async Task<SandboxResult> RunCoreAsync(string program, SandboxLimits limits, string python, SandboxIsolation isolation, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "star1-sandbox-" + Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(folder);
            // The child writes here as nobody when we are root: the folder must be its to write.
            if (isolation.DropsRoot && !OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            await File.WriteAllTextAsync(Path.Combine(folder, SandboxCommand.ProgramFile), program, utf8, cancellationToken);
            if (limits.PythonGuard)
                await File.WriteAllTextAsync(Path.Combine(folder, SandboxCommand.GuardFile), SandboxScripts.Guard, utf8, cancellationToken);
            var start = SandboxCommand.Build(Tools.Value, isolation, python, folder, limits);
            return await ExecuteAsync(start, limits, isolation, folder, clock, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception)
        {
            return new SandboxResult
            {
                Outcome = SandboxOutcome.Error,
                Reason = $"sandbox could not run the program: {e.Message}",
                Duration = clock.Elapsed,
                Warnings = isolation.Warnings,
                NetworkIsolated = isolation.Namespaces,
                FilesystemReadOnly = isolation.ReadOnlyFilesystem,
                Folder = folder,
            };
        }
        finally
        {
            try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a temp folder left behind is no failure of the item
        }
    }

    private static async Task<SandboxResult> ExecuteAsync(ProcessStartInfo start, SandboxLimits limits, SandboxIsolation isolation, string folder, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = start };
        process.Start();
        var leader = process.Id;
        var stdout = new OutputTail(limits.MaxOutputBytes);
        var stderr = new OutputTail(limits.MaxOutputBytes);
        using var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            stdout.PumpAsync(process.StandardOutput.BaseStream, drain.Token),
            stderr.PumpAsync(process.StandardError.BaseStream, drain.Token));
        try { process.StandardInput.Close(); } // input() sees end of file instead of waiting
        catch (IOException) { }

        var timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(limits.TimeoutSeconds));
            try { await process.WaitForExitAsync(deadline.Token); }
            catch (OperationCanceledException) { timedOut = true; }
        }
        // Always, not only on timeout: whatever the program left running in its group dies with it.
        KillTree(process, leader, isolation);
        if (timedOut) await WaitBrieflyAsync(process.WaitForExitAsync(), TimeSpan.FromSeconds(5));
        // A stray that left the group could still hold the pipes open: stop reading after a grace period.
        if (!await WaitBrieflyAsync(pumps, TimeSpan.FromSeconds(1))) drain.Cancel();
        await WaitBrieflyAsync(pumps, TimeSpan.FromSeconds(1));
        clock.Stop();
        cancellationToken.ThrowIfCancellationRequested();

        int? exitCode = process.HasExited ? process.ExitCode : null;
        var stderrText = stderr.ToString();
        var (outcome, reason) = SandboxVerdict.Judge(exitCode, timedOut, limits, stderrText);
        return new SandboxResult
        {
            Outcome = outcome,
            Reason = reason,
            ExitCode = exitCode,
            Stdout = stdout.ToString(),
            Stderr = stderrText,
            Duration = clock.Elapsed,
            Warnings = isolation.Warnings,
            NetworkIsolated = isolation.Namespaces,
            FilesystemReadOnly = isolation.ReadOnlyFilesystem,
            Folder = folder,
        };
    }

    private static void KillTree(Process process, int leader, SandboxIsolation isolation)
    {
        if (isolation.OwnProcessGroup)
        {
            NativeProcess.KillGroupAndTree(leader, leaderAlive: !process.HasExited);
            return;
        }
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } // without setsid, the tree .NET finds
        catch (Exception e) when (e is InvalidOperationException or Win32Exception) { } // ended meanwhile
    }

    private static async Task<bool> WaitBrieflyAsync(Task task, TimeSpan wait)
    {
        var first = await Task.WhenAny(task, Task.Delay(wait));
        return first == task;
    }

    /// <summary>
    /// Tries the candidate protections strongest first, each with a probe program that must run, write in its
    /// folder, and (for the read-only candidates) fail to write into a folder outside that anyone may write to.
    /// </summary>
    private static async Task<SandboxIsolation> DetectAsync(string python)
    {
        var tools = Tools.Value;
        var none = SandboxIsolation.None(tools);
        var root = NativeProcess.IsRoot;
        var candidates = new List<SandboxIsolation>();
        if (tools.Unshare is not null && tools.Shell is not null)
        {
            foreach (var readOnly in new[] { true, false })
            {
                if (root && tools.Setpriv is not null) candidates.Add(none with { DropsRoot = true, Namespaces = true, ReadOnlyFilesystem = readOnly });
                candidates.Add(none with { Namespaces = true, ReadOnlyFilesystem = readOnly });
            }
        }
        if (root && tools.Setpriv is not null) candidates.Add(none with { DropsRoot = true });

        var outside = Path.Combine(Path.GetTempPath(), "star1-sandbox-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        try
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(outside, (UnixFileMode)0b111_111_111);
            var target = Path.Combine(outside, "escaped.txt");
            var probe = $$"""
                open("inside.txt", "w").write("ok")
                try:
                    open({{PythonString(target)}}, "w").write("escaped")
                    print("outside-writable")
                except OSError:
                    print("outside-blocked")
                print("star1-probe-ok")
                """;
            var limits = new SandboxLimits { TimeoutSeconds = 20, PythonGuard = false };
            foreach (var candidate in candidates)
            {
                var result = await RunCoreAsync(probe, limits, python, candidate, CancellationToken.None);
                var works = result.Passed && result.Stdout.Contains("star1-probe-ok", StringComparison.Ordinal);
                var blocked = result.Stdout.Contains("outside-blocked", StringComparison.Ordinal) && !File.Exists(target);
                if (File.Exists(target)) File.Delete(target);
                if (works && (!candidate.ReadOnlyFilesystem || blocked)) return candidate;
            }
            return none;
        }
        finally
        {
            try { Directory.Delete(outside, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static string PythonString(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
