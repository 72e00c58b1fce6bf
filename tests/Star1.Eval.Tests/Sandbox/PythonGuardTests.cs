using System.Net;
using System.Net.Sockets;
using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>
/// The Python guard on its own: namespaces and the drop to nobody switched off, so only the audit hook stands
/// between the program and the machine (the rlimits and the process group stay, so a broken guard cannot run
/// away). This is the line a machine without user namespaces (some CI runners) relies on.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class PythonGuardTests
{
    private static async Task<SandboxIsolation> GuardOnlyAsync() =>
        await PythonSandbox.IsolationAsync() with { Namespaces = false, ReadOnlyFilesystem = false, DropsRoot = false };

    [PythonFact]
    public async Task The_guard_alone_refuses_writing_outside_the_folder_but_not_inside()
    {
        var outside = Path.Combine(Path.GetTempPath(), "star1-test-guard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(outside, (UnixFileMode)0b111_111_111);
        var target = Path.Combine(outside, "escaped.txt");
        try
        {
            var result = await PythonSandbox.RunAsync($$"""
                import os
                for attempt in (lambda: open({{Py(target)}}, "w"), lambda: os.open({{Py(target)}}, os.O_CREAT | os.O_WRONLY)):
                    try:
                        attempt()
                        print("wrote outside")
                    except PermissionError as e:
                        print("refused:", e)
                open("inside.txt", "w").write("fine")
                print("inside ok")
                """, new SandboxLimits(), await GuardOnlyAsync());

            Assert.True(result.Passed, result.Reason);
            Assert.False(File.Exists(target));
            Assert.Equal(2, result.Stdout.Split('\n').Count(l => l.StartsWith("refused: star1-sandbox: writing outside", StringComparison.Ordinal)));
            Assert.EndsWith("inside ok", result.Stdout);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [PythonFact]
    public async Task The_guard_alone_refuses_a_TCP_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await PythonSandbox.RunAsync($$"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {{port}}), timeout=2).sendall(b"leaked")
                print("connected")
            except PermissionError as e:
                print("refused:", e)
            """, new SandboxLimits(), await GuardOnlyAsync());

        Assert.StartsWith("refused: star1-sandbox: network", result.Stdout);
        await Task.Delay(200);
        Assert.False(listener.Pending());
    }

    [PythonFact]
    public async Task The_guard_alone_bounds_the_processes_a_program_starts()
    {
        // Without rlimits too: outside a user namespace RLIMIT_NPROC counts every task of the user (the test
        // host's threads among them) and could refuse a fork first. The loop's own cap of 100 keeps a broken
        // guard from running away; the process group dies at the end.
        var result = await PythonSandbox.RunAsync("""
            import os, time
            children = 0
            try:
                while children < 100:
                    if os.fork() == 0:
                        try:
                            os.fork()
                            print("grandchild forked")
                        except PermissionError:
                            pass
                        time.sleep(30)
                        os._exit(0)
                    children += 1
            except PermissionError as e:
                print("stopped after", children)
            """, new SandboxLimits { MaxProcesses = 4 }, await GuardOnlyAsync() with { ResourceLimits = false });

        Assert.True(result.Passed, result.Reason);
        Assert.Equal("stopped after 3", result.Stdout); // itself and three children; the children may not fork
    }

    [PythonFact]
    public async Task The_guard_alone_refuses_native_code()
    {
        var result = await PythonSandbox.RunAsync("""
            try:
                import ctypes  # loading ctypes itself opens the interpreter as a library
                ctypes.CDLL(None).getpid()
                print("called libc")
            except PermissionError as e:
                print("refused:", e)
            """, new SandboxLimits(), await GuardOnlyAsync());

        Assert.StartsWith("refused: star1-sandbox: native code", result.Stdout);
    }

    [PythonFact]
    public async Task What_solutions_import_still_works_under_the_guard()
    {
        var result = await PythonSandbox.RunAsync("""
            import math, re, collections, itertools, functools, heapq, string, fractions, decimal, statistics
            import random, hashlib, typing, bisect, operator, copy, json, datetime, sys, os
            try:
                import numpy as np  # imports ctypes, which loads a library: allowed
                print("numpy", int(np.array([1, 2, 3]).sum()))
            except ImportError:
                print("numpy 6")  # not installed: nothing to check
            print(hashlib.md5(b"x").hexdigest()[:4], math.gcd(12, 18))
            """, new SandboxLimits(), await GuardOnlyAsync());

        Assert.True(result.Passed, result.Reason + "\n" + result.Stderr);
        Assert.Equal("numpy 6\n9dd4 6", result.Stdout);
    }

    private static string Py(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
