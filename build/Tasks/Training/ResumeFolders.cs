namespace Star1.Build.Tasks.Training;

/// <summary>
/// The training stages' resume cache: one folder per run key holding the epoch checkpoints of a run that has not
/// finished. A run that succeeds deletes its own; those left by killed runs can be large (weights and AdamW state),
/// so Gc removes every one that no kept run used.
/// </summary>
public static class ResumeFolders
{
    public const string Cache = "resume";

    /// <summary>Deletes the run folders whose key is not in <paramref name="keep"/> (with <paramref name="dryRun"/>,
    /// only counts them); returns how many and their size.</summary>
    public static (int Entries, long Bytes) Prune(string folder, IReadOnlySet<string> keep, bool dryRun)
    {
        if (!Directory.Exists(folder)) return (0, 0);
        int entries = 0;
        long bytes = 0;
        foreach (var run in new DirectoryInfo(folder).EnumerateDirectories().Where(d => !keep.Contains(d.Name)).ToList())
        {
            entries++;
            bytes += run.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            if (!dryRun) run.Delete(recursive: true);
        }
        return (entries, bytes);
    }
}
