using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>
/// Each protection of the sandbox against a program that tries to break it. The theories run twice: with the
/// Python guard (the default) and without it, so the operating system's line is checked on its own. Where this
/// machine cannot give a protection, the test checks that every result says so instead of passing silently.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class PythonSandboxTests
{
    private static readonly SandboxLimits Limits = new();

    [PythonFact]
    public async Task A_program_that_exits_0_passes_and_its_output_is_kept()
    {
        var result = await PythonSandbox.RunAsync("print('hello from the sandbox')", Limits);

        Assert.Equal(SandboxOutcome.Passed, result.Outcome);
        Assert.True(result.Passed);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello from the sandbox", result.Stdout);
        Assert.Equal("passed", result.Reason);
        Assert.False(Directory.Exists(result.Folder), "the temporary folder is deleted afterwards");
    }

    [PythonFact]
    public async Task An_exception_fails_the_program_with_its_name_and_message()
    {
        var result = await PythonSandbox.RunAsync("raise ValueError('bad input 42')", Limits);

        Assert.Equal(SandboxOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ValueError: bad input 42", result.Reason);
    }

    [PythonFact]
    public async Task A_secret_in_our_environment_does_not_reach_the_program()
    {
        const string secret = "sk-star1-planted-secret-7f3a";
        Environment.SetEnvironmentVariable("STAR1_TEST_SECRET", secret);
        try
        {
            var result = await PythonSandbox.RunAsync("""
                import os
                print("secret=" + repr(os.environ.get("STAR1_TEST_SECRET")))
                print("keys=" + ",".join(sorted(os.environ)))
                print("home=" + os.environ["HOME"])
                """, Limits);

            Assert.True(result.Passed, result.Reason);
            Assert.Contains("secret=None", result.Stdout);
            Assert.DoesNotContain(secret, result.Stdout);
            var keys = result.Stdout.Split('\n').Single(l => l.StartsWith("keys=", StringComparison.Ordinal))["keys=".Length..].Split(',');
            // LC_CTYPE is the one Python may add itself (locale coercion); nothing else may appear.
            Assert.Empty(keys.Except(["HOME", "LANG", "PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "LC_CTYPE"]));
            Assert.Contains("home=" + result.Folder, result.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("STAR1_TEST_SECRET", null);
        }
    }

    [PythonTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_secret_in_our_environment_cannot_be_read_from_proc_either(bool guard)
    {
        // /proc/PID/environ shows a process's environment as it started (a later setenv does not show there):
        // the secret is planted in a process of our own user started with it, as a real run's host would be.
        const string secret = "sk-star1-planted-proc-secret-91c2";
        var start = new ProcessStartInfo("sleep", "60");
        start.Environment["STAR1_TEST_SECRET"] = secret;
        using var holder = Process.Start(start)!;
        try
        {
            var result = await PythonSandbox.RunAsync($$"""
                import glob
                found, read = [], 0
                for path in glob.glob("/proc/[0-9]*/environ"):
                    try:
                        with open(path, "rb") as f:
                            data = f.read()
                        read += 1
                        if {{Py(secret)}}.encode() in data:
                            found.append(path)
                    except OSError:
                        pass
                print("read", read, "found", found)
                """, Limits with { PythonGuard = guard });

            Assert.True(result.Passed, result.Reason);
            var isolation = await PythonSandbox.IsolationAsync();
            if (!guard && !isolation.ReadOnlyFilesystem && !isolation.DropsRoot)
            {
                Assert.Contains(result.Warnings, w => w.StartsWith("other processes visible", StringComparison.Ordinal));
                return;
            }
            Assert.EndsWith("found []", result.Stdout);
        }
        finally
        {
            holder.Kill();
        }
    }

    [PythonTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Writing_outside_the_program_folder_leaves_no_file(bool guard)
    {
        // A folder anyone may write to: only the sandbox, not file permissions, can stop the write.
        var outside = Path.Combine(Path.GetTempPath(), "star1-test-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(outside, (UnixFileMode)0b111_111_111);
        var target = Path.Combine(outside, "escaped.txt");
        try
        {
            var result = await PythonSandbox.RunAsync($$"""
                try:
                    with open({{Py(target)}}, "w") as f:
                        f.write("escaped")
                    print("wrote outside")
                except OSError as e:
                    print("refused:", e)
                with open("inside.txt", "w") as f:
                    f.write("fine")
                print("inside ok")
                """, Limits with { PythonGuard = guard });

            Assert.Contains("inside ok", result.Stdout); // the program's own folder stays writable
            if (!guard && !result.FilesystemReadOnly)
            {
                // No read-only mount here: then the result must say the OS line is missing.
                Assert.Contains(result.Warnings, w => w.StartsWith("filesystem not read-only", StringComparison.Ordinal));
                return;
            }
            Assert.False(File.Exists(target), "a file appeared outside the sandbox: " + result.Stdout);
            Assert.Contains("refused:", result.Stdout);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [PythonTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_TCP_connection_to_a_local_listener_fails_and_reaches_nothing(bool guard)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await PythonSandbox.RunAsync($$"""
            import socket
            try:
                s = socket.create_connection(("127.0.0.1", {{port}}), timeout=2)
                s.sendall(b"leaked")
                print("connected")
            except OSError as e:
                print("refused:", type(e).__name__, e)
            """, Limits with { PythonGuard = guard });

        if (!guard && !result.NetworkIsolated)
        {
            Assert.Contains(result.Warnings, w => w.StartsWith("network not isolated", StringComparison.Ordinal));
            return;
        }
        Assert.Contains("refused:", result.Stdout);
        Assert.DoesNotContain("connected", result.Stdout);
        await Task.Delay(200);
        Assert.False(listener.Pending(), "the listener was reached from inside the sandbox");
    }

    [PythonFact]
    public async Task The_process_limit_stops_forking()
    {
        var isolation = await PythonSandbox.IsolationAsync();
        if (!isolation.ProcessLimitEnforced)
        {
            Assert.Contains(isolation.Warnings, w => w.StartsWith("process limit not enforced", StringComparison.Ordinal) || w.StartsWith("no resource limits", StringComparison.Ordinal));
            return;
        }
        var result = await PythonSandbox.RunAsync("""
            import os, time
            children = 0
            try:
                while children < 500:
                    if os.fork() == 0:
                        time.sleep(30)
                        os._exit(0)
                    children += 1
                print("unbounded", children)
            except OSError as e:
                print("stopped after", children, type(e).__name__)
            """, Limits with { PythonGuard = false, MaxProcesses = 8 });

        Assert.True(result.Passed, result.Reason + " " + result.Stderr);
        Assert.StartsWith("stopped after", result.Stdout);
        var children = int.Parse(result.Stdout.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        if (isolation.Namespaces)
            Assert.InRange(children, 1, 8); // the namespace counts only the program's own tasks
        else
            Assert.InRange(children, 0, 8 + 32); // outside one, the user's other tasks come and go meanwhile
    }

    [PythonTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_fork_bomb_ends_at_the_timeout_and_leaves_nothing_running(bool guard)
    {
        var isolation = await PythonSandbox.IsolationAsync();
        if (!isolation.ProcessLimitEnforced)
        {
            // Never set a fork bomb loose on a machine that cannot bound it; the missing limit is said instead.
            Assert.Contains(isolation.Warnings, w => w.StartsWith("process limit not enforced", StringComparison.Ordinal) || w.StartsWith("no resource limits", StringComparison.Ordinal));
            return;
        }
        var limits = Limits with { PythonGuard = guard, TimeoutSeconds = 2 };

        var result = await PythonSandbox.RunAsync("""
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """, limits);

        Assert.Equal(SandboxOutcome.Timeout, result.Outcome);
        Assert.True(result.Duration < TimeSpan.FromSeconds(limits.TimeoutSeconds + 3), $"took {result.Duration}");
        Assert.Equal(0, await ProcessScan.WaitUntilGoneAsync(result.Folder, TimeSpan.FromSeconds(5)));
        // The machine is fine: the next program starts and runs at once.
        var after = await PythonSandbox.RunAsync("print(6 * 7)", Limits);
        Assert.True(after.Passed, after.Reason);
        Assert.Equal("42", after.Stdout);
    }

    [PythonFact]
    public async Task Allocating_without_bound_ends_at_the_memory_limit_within_seconds()
    {
        var result = await PythonSandbox.RunAsync("""
            chunks = []
            while True:
                chunks.append(" " * 10_000_000)
            """, Limits with { TimeoutSeconds = 10 });

        Assert.Equal(SandboxOutcome.MemoryLimit, result.Outcome);
        Assert.Contains("MemoryError", result.Stderr);
        Assert.True(result.Duration < TimeSpan.FromSeconds(5), $"took {result.Duration}");
    }

    [PythonFact]
    public async Task An_endless_loop_times_out_about_when_the_limit_says()
    {
        var limits = Limits with { TimeoutSeconds = 2 };
        var result = await PythonSandbox.RunAsync("while True:\n    pass\n", limits);

        Assert.Equal(SandboxOutcome.Timeout, result.Outcome);
        Assert.StartsWith("timed out after 2 s", result.Reason);
        Assert.InRange(result.Duration.TotalSeconds, 2, 2 + 1.5);
    }

    [PythonFact]
    public async Task A_program_over_its_CPU_seconds_is_stopped_by_the_CPU_limit()
    {
        var result = await PythonSandbox.RunAsync("while True:\n    pass\n", Limits with { TimeoutSeconds = 20, CpuSeconds = 1 });

        Assert.Equal(SandboxOutcome.Timeout, result.Outcome);
        Assert.StartsWith("CPU time limit (1 s) reached", result.Reason);
        Assert.True(result.Duration < TimeSpan.FromSeconds(10), $"took {result.Duration}"); // far before the wall clock
    }

    [PythonFact]
    public async Task A_file_larger_than_the_limit_cannot_be_written_even_inside_the_folder()
    {
        var result = await PythonSandbox.RunAsync("""
            with open("big.bin", "wb") as f:
                for _ in range(64):
                    f.write(b"x" * 1024 * 1024)
            print("wrote 64 MiB")
            """, Limits with { MaxFileBytes = 1024 * 1024 });

        // Python ignores SIGXFSZ, so the write fails with EFBIG instead of the signal ending it.
        Assert.Equal(SandboxOutcome.Failed, result.Outcome);
        Assert.Contains("File too large", result.Reason);
        Assert.DoesNotContain("wrote", result.Stdout);
    }

    [PythonTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_grandchild_that_sleeps_forever_is_gone_after_the_timeout(bool leavesItsGroup)
    {
        var marker = "star1-grandchild-" + Guid.NewGuid().ToString("N");
        var result = await PythonSandbox.RunAsync($$"""
            import subprocess, sys
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(100000)", {{Py(marker)}}],
                             start_new_session={{(leavesItsGroup ? "True" : "False")}})
            while True:
                pass
            """, Limits with { TimeoutSeconds = 2 });

        try
        {
            Assert.Equal(SandboxOutcome.Timeout, result.Outcome);
            Assert.Equal(0, await ProcessScan.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(3)));
        }
        finally
        {
            KillLeftovers(marker);
        }
    }

    [PythonFact]
    public async Task A_daemon_left_behind_by_a_program_that_exits_is_gone_too()
    {
        var marker = "star1-daemon-" + Guid.NewGuid().ToString("N");
        var result = await PythonSandbox.RunAsync($$"""
            import subprocess, sys
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(100000)", {{Py(marker)}}],
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print("left a daemon")
            """, Limits);

        try
        {
            Assert.True(result.Passed, result.Reason);
            var isolation = await PythonSandbox.IsolationAsync();
            if (!isolation.Namespaces)
            {
                Assert.Contains(result.Warnings, w => w.StartsWith("strays not contained", StringComparison.Ordinal));
                return;
            }
            Assert.Equal(0, await ProcessScan.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(3)));
        }
        finally
        {
            KillLeftovers(marker);
        }
    }

    [PythonFact]
    public async Task Cancelling_kills_the_program_and_throws()
    {
        var marker = "star1-cancelled-" + Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PythonSandbox.RunAsync(
            $"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(100000)', {Py(marker)}])\nwhile True:\n    pass\n",
            Limits with { TimeoutSeconds = 30 }, cancel.Token));

        try
        {
            Assert.Equal(0, await ProcessScan.WaitUntilGoneAsync(marker, TimeSpan.FromSeconds(3)));
        }
        finally
        {
            KillLeftovers(marker);
        }
    }

    [PythonFact]
    public async Task A_flood_of_output_neither_blocks_the_program_nor_fills_memory()
    {
        var result = await PythonSandbox.RunAsync("""
            import sys
            for i in range(200):
                sys.stdout.write("x" * 100_000)
                sys.stderr.write("e" * 10_000)
            sys.stdout.write("THE END")
            """, Limits with { MaxOutputBytes = 1000 });

        Assert.True(result.Passed, result.Reason);
        Assert.EndsWith("THE END", result.Stdout);
        Assert.StartsWith("...", result.Stdout);
        Assert.InRange(result.Stdout.Length, 1000, 1003);
        Assert.InRange(result.Stderr.Length, 1000, 1003);
    }

    [PythonFact]
    public async Task Reading_stdin_sees_its_end_instead_of_waiting()
    {
        var result = await PythonSandbox.RunAsync("import sys\nprint(repr(sys.stdin.read()))", Limits);

        Assert.True(result.Passed, result.Reason);
        Assert.Equal("''", result.Stdout);
    }

    [PythonFact]
    public async Task Where_this_machine_allows_namespaces_the_sandbox_uses_them()
    {
        var isolation = await PythonSandbox.IsolationAsync();
        if (Succeeds("unshare", "--user", "--map-root-user", "--net", "true"))
            Assert.True(isolation.Namespaces, "unshare works here, yet the sandbox runs without namespaces");
        if (Succeeds("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount -o remount,bind,ro /"))
            Assert.True(isolation.ReadOnlyFilesystem, "read-only remounts work here, yet the sandbox does not use them");
        Assert.Equal(!isolation.Namespaces, isolation.Warnings.Any(w => w.StartsWith("network not isolated", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Limits_that_cannot_work_are_refused_before_anything_runs()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PythonSandbox.RunAsync("pass", new SandboxLimits { TimeoutSeconds = 0 }));
        Assert.Contains("TimeoutSeconds", error.Message);
    }

    private static bool Succeeds(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Cleanup when a test failed: a stray must not outlive the test run.</summary>
    private static void KillLeftovers(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                    Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException) { }
        }
    }

    private static string Py(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
