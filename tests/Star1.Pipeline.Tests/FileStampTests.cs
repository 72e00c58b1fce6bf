using System.Diagnostics;
using Star1.Pipeline.Hashing;

namespace Star1.Pipeline.Tests;

/// <summary>The inode and ctime read from libc's stat agree with what the operating system reports.</summary>
public sealed class FileStampTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), "star1-stamp-" + Guid.NewGuid().ToString("N"));
    public void Dispose() => File.Delete(file);

    [Fact]
    public void InodeAndCtimeMatchTheStatCommand()
    {
        if (!OperatingSystem.IsLinux()) return; // other systems fall back to size and mtime, by design
        File.WriteAllText(file, "stamp me");
        var stamp = FileStamp.Of(file)!.Value;
        var info = new ProcessStartInfo("stat", ["-c", "%i %Z", file]) { RedirectStandardOutput = true };
        using var stat = Process.Start(info)!;
        var fields = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        Assert.Equal(ulong.Parse(fields[0]), stamp.Inode);
        Assert.Equal(long.Parse(fields[1]), stamp.CtimeNanos / 1_000_000_000);
    }

    [Fact]
    public void AChangeOfModeMovesCtimeButNotSizeOrMtime()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.WriteAllText(file, "stamp me");
        var before = FileStamp.Of(file)!.Value;
        Thread.Sleep(20);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var after = FileStamp.Of(file)!.Value;
        Assert.Equal((before.Size, before.MtimeTicks, before.Inode), (after.Size, after.MtimeTicks, after.Inode));
        Assert.True(after.CtimeNanos > before.CtimeNanos, $"ctime {before.CtimeNanos} -> {after.CtimeNanos}");
    }
}
