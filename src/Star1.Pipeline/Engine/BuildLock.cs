using System.Diagnostics;

namespace Star1.Pipeline.Engine;

/// <summary>
/// One build at a time per artifacts folder. The lock is an OS file lock (flock on Linux, taken by .NET for
/// FileShare.None), so it is released even when the holder is killed; a sibling file names the holder so
/// the second build can say who it waits for.
/// </summary>
public sealed class BuildLock : IDisposable
{
    private readonly FileStream handle;
    private readonly string ownerPath;

    private BuildLock(FileStream handle, string ownerPath)
    {
        this.handle = handle;
        this.ownerPath = ownerPath;
    }

    public static BuildLock Acquire(string stateDir, string description, TimeSpan wait, Action<string>? onWait = null)
    {
        Directory.CreateDirectory(stateDir);
        var lockPath = Path.Combine(stateDir, "build.lock");
        var ownerPath = lockPath + ".owner";
        var clock = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            try
            {
                var handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                File.WriteAllText(ownerPath, $"pid {Environment.ProcessId}, {description}, since {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss}");
                return new BuildLock(handle, ownerPath);
            }
            catch (IOException)
            {
                var owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath) : "another build";
                if (clock.Elapsed >= wait)
                    throw new BuildLockedException(
                        $"another build is using {Path.GetDirectoryName(stateDir)} ({owner}); " +
                        $"gave up after {wait.TotalSeconds:0} s. Wait for it to finish, or pass --lock-wait SECONDS to wait longer.");
                if (!told)
                {
                    onWait?.Invoke($"another build is using the artifacts folder ({owner}); waiting up to {wait.TotalSeconds:0} s");
                    told = true;
                }
                Thread.Sleep(200);
            }
        }
    }

    public void Dispose()
    {
        try { File.Delete(ownerPath); } catch (IOException) { }
        handle.Dispose();
    }
}

public sealed class BuildLockedException(string message) : Exception(message);
