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

    /// <summary>SIGKILL to every process in the group (a negative pid names a group). The child is started
    /// through setsid, so its group holds it and whatever it forked that did not leave the group.</summary>
    public static void KillGroup(int groupId)
    {
        if (OperatingSystem.IsWindows() || groupId <= 1) return;
        _ = Kill(-groupId, SigKill); // ESRCH when already gone: nothing to do
    }

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEuid() == 0;

    /// <summary>Our real uid: RLIMIT_NPROC counts the tasks of the real user.</summary>
    public static uint RealUid => OperatingSystem.IsWindows() ? 0 : GetUid();
}
