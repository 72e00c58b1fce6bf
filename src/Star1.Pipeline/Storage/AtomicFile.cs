namespace Star1.Pipeline.Storage;

/// <summary>
/// Writes that are all-or-nothing: the bytes go to a temporary file in the same folder, are flushed to
/// disk, and the file is renamed over the target. A reader sees the old file or the new one, never half.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Flushes an already written file to disk and renames it into place.</summary>
    public static void Commit(string writtenPath, string finalPath)
    {
        using (var stream = new FileStream(writtenPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            stream.Flush(flushToDisk: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
        File.Move(writtenPath, finalPath, overwrite: true);
    }

    /// <summary>A unique sibling path: same folder (so rename is atomic), hidden, marked as temporary.</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }
}
