namespace Star1.Eval.Tests.Sandbox;

/// <summary>Finds live processes by a text in their command line: the way to see a sandbox's strays from outside
/// its PID namespace, where the pids it printed mean nothing.</summary>
internal static class ProcessScan
{
    public static int CountWithCommandLine(string marker)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var state = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
                // A zombie has run its course and holds nothing; its reaping is its parent's business.
                if (cmdline.Contains(marker, StringComparison.Ordinal) && !state.Contains("zombie", StringComparison.Ordinal)) count++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // ended while we looked
        }
        return count;
    }

    /// <summary>Waits up to <paramref name="wait"/> for none to be left (the kernel tears a namespace down
    /// asynchronously); returns how many are still there.</summary>
    public static async Task<int> WaitUntilGoneAsync(string marker, TimeSpan wait)
    {
        var until = DateTime.UtcNow + wait;
        int left;
        while ((left = CountWithCommandLine(marker)) > 0 && DateTime.UtcNow < until) await Task.Delay(100);
        return left;
    }
}
