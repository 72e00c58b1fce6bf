using System.Runtime.InteropServices;

namespace Star1.Eval.Sandbox;

/// <summary>The two libc calls .NET does not offer: signalling a whole process group and our effective uid.</summary>
internal static class NativeProcess
{
    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();

    private const int SigStop = 19;

    /// <summary>
    /// Ends the child's group and every descendant. The child is started through setsid, so its group holds it
    /// and whatever it forked that did not leave the group (a negative pid names a group). The group is stopped
    /// first, so a fork bomb cannot add processes while we look; then one scan of /proc finds the descendants,
    /// which reaches those that left the group (setsid) while their parent is alive; then all are killed.
    /// One scan for the whole tree, not one per process: a fork bomb's tree must die in milliseconds. Once the
    /// leader has ended its descendants are no longer its children, and its pid may in time name another
    /// process: then only the group is signalled (a pid stays reserved while a group of that id lives).
    /// </summary>
    public static void KillGroupAndTree(int leader, bool leaderAlive)
    {
        if (OperatingSystem.IsWindows() || leader <= 1) return;
        _ = Kill(-leader, SigStop); // ESRCH when already gone: nothing to do
        for (var pass = 0; leaderAlive && pass < 2; pass++) // a second pass for what an escaped descendant forked meanwhile
            foreach (var pid in Descendants(leader)) _ = Kill(pid, SigKill);
        _ = Kill(-leader, SigKill);
        if (leaderAlive) _ = Kill(leader, SigKill);
    }

    private static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // "pid (comm) state ppid ...": the name may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && int.TryParse(fields[1], out var parent))
                {
                    if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
                    list.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // ended while we looked
        }
        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
            if (children.TryGetValue(queue.Dequeue(), out var list))
                foreach (var child in list) { found.Add(child); queue.Enqueue(child); }
        return found;
    }

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEuid() == 0;

    /// <summary>Our real uid: RLIMIT_NPROC counts the tasks of the real user.</summary>
    public static uint RealUid => OperatingSystem.IsWindows() ? 0 : GetUid();
}
