namespace Star1.Eval.Sandbox;

/// <summary>
/// Counts the tasks (threads included) a uid runs now. Without a user namespace, RLIMIT_NPROC is checked
/// against every task of the real user on the machine (our own test host's threads among them), so the limit
/// handed to the child is this count plus what the program may add.
/// </summary>
internal static class UserTasks
{
    public static int Count(uint uid)
    {
        var total = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
                try { total += TasksOf(File.ReadLines(Path.Combine(dir, "status")), uid); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // ended while we looked
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return total;
    }

    private static int TasksOf(IEnumerable<string> status, uint uid)
    {
        bool mine = false;
        foreach (var line in status)
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                mine = uint.TryParse(line[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries)[0], out var real) && real == uid;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                return mine && int.TryParse(line[8..].Trim(), out var threads) ? threads : 0;
        }
        return 0;
    }
}
