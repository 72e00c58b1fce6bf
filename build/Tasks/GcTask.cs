using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;

namespace Star1.Build.Tasks;

/// <summary>
/// Frees the run-cache like `dvc gc`: keeps what the lock references (and what --keep-last / --keep-days /
/// --keep-size add), removes the rest; --dryrun lists what it would delete and how many bytes.
/// </summary>
[TaskName("Gc")]
[HandlesDryRun]
[TaskDescription("Free the run-cache of entries, objects, inner-cache entries and run records the lock does not need (--dryrun to list)")]
public sealed class GcTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var options = context.Options;
        var policy = new GcPolicy(options.KeepLast, options.KeepDays, options.KeepBytes, options.DryRun);
        var report = GarbageCollector.Collect(context.Engine, policy);
        var verb = policy.DryRun ? "would remove" : "removed";
        var table = new Table().Title(policy.DryRun ? "Gc (dry run: nothing deleted)" : "Gc").AddColumns("What", verb, "Bytes");
        table.AddRow("run-cache entries", $"{report.EntriesRemoved} ({report.EntriesKept} kept)", "");
        table.AddRow("run-cache objects", report.ObjectsRemoved.ToString(), Size(report.ObjectBytes));
        table.AddRow("run records", report.RecordsRemoved.ToString(), Size(report.RecordBytes));
        foreach (var c in report.Caches) table.AddRow(Markup.Escape($"{c.Stage} {c.Cache} entries"), c.Entries.ToString(), Size(c.Bytes));
        table.AddRow("[bold]total[/]", "", $"[bold]{Size(report.TotalBytes)}[/]");
        context.Console.Write(table);
        foreach (var note in report.Notes) context.Engine.Reporter.Info(note);
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}
