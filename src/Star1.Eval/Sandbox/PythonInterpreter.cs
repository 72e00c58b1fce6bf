using System.Diagnostics;

namespace Star1.Eval.Sandbox;

/// <summary>
/// Finds the python3 the sandbox runs. The child's PATH is only /usr/bin:/bin, so the interpreter is named by
/// its full path. A python3 in those two folders is taken first: it lives outside any home folder, so it stays
/// readable after the sandbox drops root, and it needs no environment to start. Otherwise the python3 on our
/// own PATH is asked for its real executable, because a launcher shim (pyenv) needs variables the sandbox strips.
/// </summary>
internal static class PythonInterpreter
{
    private static readonly Lazy<string?> Found = new(Locate);

    /// <summary>The interpreter's full path, or null when there is none.</summary>
    public static string? Path => Found.Value;

    private static string? Locate()
    {
        foreach (var dir in new[] { "/usr/bin", "/bin" })
        {
            var candidate = System.IO.Path.Combine(dir, "python3");
            if (File.Exists(candidate)) return candidate;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "python3.exe" : "python3"))
            .FirstOrDefault(File.Exists);
        return onPath is null ? null : AskExecutable(onPath);
    }

    private static string? AskExecutable(string launcher)
    {
        try
        {
            var psi = new ProcessStartInfo(launcher) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import sys; print(sys.executable)");
            using var process = Process.Start(psi);
            if (process is null) return null;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000)) { process.Kill(entireProcessTree: true); return null; }
            var executable = stdout.Result.Trim();
            return process.ExitCode == 0 && File.Exists(executable) ? executable : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // found but not runnable: as good as missing
        }
    }
}
