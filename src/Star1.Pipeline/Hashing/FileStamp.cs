using System.Runtime.InteropServices;

namespace Star1.Pipeline.Hashing;

/// <summary>
/// What we can learn about a file without reading it: size, modification time, inode and change time.
/// When a file's stamp equals the one recorded next to its hash, the hash is trusted without re-reading
/// the bytes, which keeps a no-op run cheap however large the outputs are (the rule git's index uses).
/// </summary>
public readonly record struct FileStamp(long Size, long MtimeTicks, ulong Inode, long CtimeNanos)
{
    public static FileStamp? Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        var (inode, ctime) = UnixStat.InodeAndCtime(path);
        return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, inode, ctime);
    }
}

/// <summary>
/// The inode and status-change time, which .NET does not expose. On Linux x86-64 and arm64 the struct stat
/// that glibc's `stat` fills starts with a 64-bit st_dev followed by a 64-bit st_ino, and st_ctim sits at
/// byte 104 on both: x86-64 has nlink(8) mode uid gid pad(4 each) rdev size blksize blocks(8 each); arm64 has
/// mode nlink uid gid(4 each) rdev pad size(8 each) blksize pad(4 each) blocks(8), then atim and mtim (16
/// each) on both. Elsewhere we return zeros and rely on size and mtime alone.
/// </summary>
internal static partial class UnixStat
{
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, Span<byte> buffer);

    private static readonly int CtimeOffset = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 104,
        Architecture.Arm64 => 104,
        _ => -1,
    };

    private static bool supported = OperatingSystem.IsLinux() && CtimeOffset > 0;

    public static (ulong Inode, long CtimeNanos) InodeAndCtime(string path)
    {
        if (!supported) return (0, 0);
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Stat(path, buffer) != 0) return (0, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            supported = false; // an old libc without a plain `stat` symbol: size and mtime still guard us
            return (0, 0);
        }
        ulong inode = BitConverter.ToUInt64(buffer[8..16]);
        long seconds = BitConverter.ToInt64(buffer[CtimeOffset..(CtimeOffset + 8)]);
        long nanos = BitConverter.ToInt64(buffer[(CtimeOffset + 8)..(CtimeOffset + 16)]);
        return (inode, seconds * 1_000_000_000 + nanos);
    }
}
