using Cake.Core;
using Spectre.Console;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// The typed build context every task receives: the Cake context (logging, file system, arguments) plus
/// the stage engine, the effective params and the command-line options of this run.
/// </summary>
public class StageBuildContext(ICakeContext cake, StageEngine engine, HostOptions options) : CakeContextAdapter(cake)
{
    public StageEngine Engine { get; } = engine;
    public HostOptions Options { get; } = options;
    public EffectiveParams Params => Engine.Params;
    public Workspace Workspace => Engine.Workspace;

    /// <summary>Where tasks print tables and summaries (the host's console, captured in tests).</summary>
    public IAnsiConsole Console { get; internal set; } = AnsiConsole.Console;

    /// <summary>Set when stages run side by side (run.jobs above 1): stage tasks then only schedule their stages.</summary>
    public StageScheduler? Scheduler { get; internal set; }

    /// <summary>
    /// Brings a stage up to date, honouring --force and --force-stage (naming the stage, or the matrix task it
    /// belongs to). Side by side, the stage is scheduled and the task returned ends when it does.
    /// </summary>
    public Task RunStageAsync(string stage, string? group = null)
    {
        var force = Options.Force || Options.ForceStages.Contains(stage, StringComparer.OrdinalIgnoreCase)
            || (group is not null && Options.ForceStages.Contains(group, StringComparer.OrdinalIgnoreCase));
        return Scheduler is { } scheduler ? scheduler.RunAsync(stage, force) : RunNowAsync(stage, force);
    }

    private async Task RunNowAsync(string stage, bool force)
    {
        var outcome = await Engine.RunAsync(stage, force);
        Engine.Reporter.Info(outcome.Line);
    }
}
