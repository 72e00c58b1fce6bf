using System.Globalization;
using Spectre.Console;
using Star1.Pipeline.Engine;

namespace Star1.Host;

/// <summary>The two tables users read: what each stage did this build, and what each stage would do now.</summary>
public static class StageTables
{
    public static void PrintOutcomes(IAnsiConsole console, IReadOnlyList<StageOutcome> outcomes)
    {
        if (outcomes.Count == 0) return;
        var table = new Table().Title("Stages").AddColumns("Stage", "Result", "Time", "Why");
        foreach (var o in outcomes)
        {
            var word = RunRecord.StatusWord(o.Result);
            var colour = o.Result switch
            {
                StageResult.Executed => "yellow",
                StageResult.Restored => "blue",
                StageResult.Failed => "red",
                StageResult.Accepted => "magenta",
                _ => "green",
            };
            table.AddRow(Markup.Escape(o.Stage), $"[{colour}]{word}[/]", $"{o.Duration.TotalSeconds:0.00} s", Markup.Escape(o.Reason));
        }
        console.Write(table);
    }

    /// <summary>
    /// The whole build in one line, for --verbosity quiet: how many stages ended which way and the time they
    /// took, e.g. "3 stages: 1 executed, 2 up-to-date (4.46 s)". Nothing when no stage was asked for.
    /// </summary>
    public static void PrintResultLine(IAnsiConsole console, IReadOnlyList<StageOutcome> outcomes)
    {
        if (outcomes.Count == 0) return;
        var counts = outcomes.GroupBy(o => o.Result).OrderBy(g => g.Key).Select(g => $"{g.Count()} {RunRecord.StatusWord(g.Key)}");
        var seconds = outcomes.Sum(o => o.Duration.TotalSeconds);
        var stages = outcomes.Count == 1 ? "1 stage" : $"{outcomes.Count} stages";
        console.WriteLine($"{stages}: {string.Join(", ", counts)} ({seconds.ToString("0.00", CultureInfo.InvariantCulture)} s)");
    }

    public static void PrintStatus(IAnsiConsole console, IEnumerable<StageStatus> statuses)
    {
        var table = new Table().Title("Stage status").AddColumns("Stage", "Status", "Reason");
        foreach (var s in statuses)
        {
            var (word, colour) = s.State switch
            {
                Freshness.Fresh => ("fresh", "green"),
                Freshness.NeverRun => ("never run", "grey"),
                Freshness.Waiting => ("waiting", "grey"),
                _ => ("stale", "yellow"),
            };
            var reason = s.State == Freshness.Fresh ? "" : string.Join("; ", s.Reasons) + s.RestoreNote;
            if (s.WouldStop is { } stop) reason += $"; the run would stop here: {stop}";
            else if (s.Estimate is { } estimate) reason += $"; {estimate}";
            table.AddRow(Markup.Escape(s.Stage), $"[{colour}]{word}[/]", Markup.Escape(reason));
        }
        console.Write(table);
    }
}
