using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Diagnostics;
using Spectre.Console;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Host;

/// <summary>
/// Runs a graph of Frosting-style task classes on the real Cake engine: builds the Cake services, registers
/// every task with CakeEngine, registers stage tasks with the stage engine, takes the build lock, and runs
/// the target with Cake's own build, dry-run or tree host. Then prints the stage table and writes the run record.
/// </summary>
public static class BuildHost
{
    public static async Task<int> RunAsync<TContext>(
        string[] args,
        Assembly tasks,
        Func<ICakeContext, StageEngine, HostOptions, TContext> createContext,
        IAnsiConsole? console = null,
        string? repoRoot = null)
        where TContext : StageBuildContext
    {
        // A console passed in (tests) is captured text, not a terminal.
        var isTerminal = console is null && HostOutput.IsTerminal;
        console ??= HostOutput.CreateConsole(Console.Out, isTerminal);
        repoRoot ??= Directory.GetCurrentDirectory();
        HostOptions options;
        try
        {
            options = HostOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }

        var graph = TaskInfo.Discover(tasks, typeof(TContext));
        if (options.Help)
        {
            console.WriteLine(HostOptions.Usage);
            PrintDescriptions(console, graph);
            return 0;
        }
        // The task list needs no target: --description works in a graph without a Default task too.
        if (options.Describe)
        {
            PrintDescriptions(console, graph);
            return 0;
        }
        var target = graph.FirstOrDefault(t => string.Equals(t.Name, options.Target, StringComparison.OrdinalIgnoreCase));
        if (target is null)
        {
            console.MarkupLine($"[red]error:[/] no task named '{Markup.Escape(options.Target)}'; tasks are: {Markup.Escape(string.Join(", ", graph.Select(t => t.Name)))}");
            return 2;
        }
        options = options with { Target = target.Name };
        // A matrix task's own stages (Eval.MODEL.BENCH) exist only once params are read: checked after registration.
        var unknownForced = options.ForceStages.Where(s => !graph.Any(t => t.IsStage && string.Equals(t.Name, s, StringComparison.OrdinalIgnoreCase))
            && !graph.Any(t => DefinedBy<TContext>(t, s))).ToList();
        if (unknownForced.Count > 0)
        {
            console.MarkupLine($"[red]error:[/] --force-stage {Markup.Escape(string.Join(", ", unknownForced))}: no such stage; stages are: {Markup.Escape(string.Join(", ", graph.Where(t => t.IsStage).Select(t => t.Name)))}");
            return 2;
        }

        var reporter = HostOutput.CreateReporter(console, options.Verbosity, isTerminal);
        EffectiveParams parameters;
        CacheSettings cacheSettings;
        try
        {
            // Params are checked before anything runs: unknown keys, wrong types, bad --set paths.
            parameters = ParamsLoader.Load(System.IO.Path.Combine(repoRoot, options.ParamsFile), options.Profile, options.Sets);
            // Read before the workspace exists: they say where its cache folder is.
            cacheSettings = CacheSettings.From(parameters);
            // What a stage reads may depend on params (a matrix task's models), so a bad value is said here too.
            graph = WithoutUnreadUpstream<TContext>(graph, parameters);
        }
        catch (ParamsException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        target = graph.First(t => t.Type == target.Type);
        var workspace = new Workspace(repoRoot, System.IO.Path.Combine(repoRoot, options.ArtifactsDir), cacheSettings.Dir);

        var closure = options.Exclusive ? [target] : Closure(target, graph);
        var dryRun = options.DryRun && !target.HandlesDryRun;
        // A build takes the lock before the engine reads the lock file and the hash index, so a build that
        // waited for another judges with what that build left on disk, not with a copy read before it.
        var readOnly = options.Tree || dryRun || closure.All(t => t.ReadOnly);
        BuildLock? buildLock = null;
        try
        {
            if (!readOnly) buildLock = BuildLock.Acquire(workspace.StateDir, $"target {target.Name}", options.LockWait, reporter.Info);
        }
        catch (BuildLockedException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        // Status and --dryrun only ask the remote cache whether it holds a run (HEAD ac/...); they never pull or push,
        // since nothing executes. --tree never talks to it.
        using (buildLock)
        using (var remote = options.Tree ? null : RemoteCache.From(cacheSettings, reporter.Warn))
            return await RunLockedAsync(options, graph, target, closure, readOnly, dryRun, workspace, parameters, remote, reporter, console, isTerminal, createContext);
    }

    private static async Task<int> RunLockedAsync<TContext>(
        HostOptions options, IReadOnlyList<TaskInfo> graph, TaskInfo target, List<TaskInfo> closure, bool readOnly, bool dryRun,
        Workspace workspace, EffectiveParams parameters, RemoteCache? remote, TextStageReporter reporter, IAnsiConsole console, bool isTerminal,
        Func<ICakeContext, StageEngine, HostOptions, TContext> createContext)
        where TContext : StageBuildContext
    {
        StageEngine engine;
        try
        {
            engine = new StageEngine(workspace, parameters, reporter, remote);
        }
        catch (InvalidDataException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }

        var cake = CakeServices.CreateContext(options.Verbosity, isTerminal);
        var context = createContext(cake, engine, options);
        context.Console = options.Verbosity == Verbosity.Quiet ? HostOutput.Silent() : console;
        var engineHost = new CakeEngine(new CakeDataService(), cake.Log);
        Dictionary<Type, IReadOnlyList<string>> stageNames;
        try
        {
            stageNames = Register(engineHost, engine, graph, context);
        }
        catch (ParamsException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        var unknownCells = options.ForceStages.Where(s => !graph.Any(t => string.Equals(t.Name, s, StringComparison.OrdinalIgnoreCase)) && graph.Any(t => DefinedBy<TContext>(t, s))
            && !engine.Stages.Any(d => string.Equals(d.Name, s, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknownCells.Count > 0)
        {
            var cells = graph.Where(t => t.IsMatrix).SelectMany(t => stageNames[t.Type]);
            console.MarkupLine($"[red]error:[/] --force-stage {Markup.Escape(string.Join(", ", unknownCells))}: no such stage under these params; they are: {Markup.Escape(string.Join(", ", cells))}");
            return 2;
        }

        if (options.Tree)
        {
            await new TreeScriptHost(engineHost, cake, new CakeConsoleForOutput(new CakeConsole(cake.Environment), isTerminal)).RunTargetAsync(target.Name);
            return 0;
        }
        if (dryRun)
        {
            StageTables.PrintStatus(console, closure.Where(t => t.IsStage).SelectMany(t => stageNames[t.Type]).Select(engine.InspectWithEstimate));
            var dry = new DryRunScriptHost(engineHost, cake, cake.Log);
            if (options.Exclusive) dry.Settings.UseExclusiveTarget();
            await dry.RunTargetAsync(target.Name);
            return 0;
        }

        var started = DateTimeOffset.Now;
        Exception? failure = null;
        try
        {
            if (!readOnly) engine.CleanLeftovers();
            if (options.Accept)
            {
                // Accept marks stages fresh in dependency order; nothing runs, so Cake is not involved.
                foreach (var stage in closure.Where(t => t.IsStage).SelectMany(t => stageNames[t.Type])) engine.Accept(stage);
            }
            else
            {
                context.Scheduler = SchedulerFor(engine, parameters);
                var printer = new ReportPrinterForVerbosity(console, options.Verbosity, sideBySide: context.Scheduler is not null);
                IExecutionStrategy strategy = new DefaultExecutionStrategy(cake.Log, printer);
                if (context.Scheduler is { } scheduler)
                    strategy = new SideBySideExecutionStrategy(strategy, scheduler, graph.Where(t => t.IsStage).Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));
                var host = new BuildScriptHost(engineHost, strategy, cake, printer, cake.Configuration, cake.Log);
                if (options.Exclusive) host.Settings.UseExclusiveTarget();
                try
                {
                    await host.RunTargetAsync(target.Name);
                }
                finally
                {
                    // Stages still running are waited for even when Cake stopped early: the run record and the
                    // lock must describe everything that ran.
                    if (context.Scheduler is { } running) await running.WhenAllAsync();
                }
            }
        }
        catch (Exception e)
        {
            failure = e is CakeException { InnerException: { } inner } ? inner : e;
        }
        finally
        {
            if (options.Verbosity == Verbosity.Quiet) StageTables.PrintResultLine(console, engine.Outcomes);
            else StageTables.PrintOutcomes(console, engine.Outcomes);
            if (!readOnly)
            {
                engine.Hashes.Save();
                var record = RunRecord.From(target.Name, engine, started, failure).Write(workspace);
                if (options.Verbosity >= Verbosity.Normal)
                    console.MarkupLine($"run record: {Markup.Escape(System.IO.Path.GetRelativePath(workspace.RepoRoot, record))}");
            }
        }
        if (failure is null) return 0;
        console.MarkupLine($"[red]error:[/] {Markup.Escape(failure.Message)}");
        return 1;
    }

    /// <summary>
    /// The scheduler for stages side by side under run.jobs and run.cpu_jobs; null (one after another, as Cake
    /// orders them) when jobs is 1 or the params have no run group.
    /// </summary>
    private static StageScheduler? SchedulerFor(StageEngine engine, EffectiveParams parameters)
    {
        var jobs = parameters.Find("run.jobs")?.AsInt() ?? 1;
        if (jobs < 1) throw new ParamsException($"run.jobs is {jobs}: at least one stage must be able to run (1: one after another)");
        if (jobs == 1) return null;
        return new StageScheduler(engine, (int)jobs, (int)(parameters.Find("run.cpu_jobs")?.AsInt() ?? 0));
    }

    /// <summary>
    /// Registers every task with Cake and every stage with the stage engine; returns each stage or matrix task's
    /// stage names (a matrix task's are worked out from params here).
    /// </summary>
    private static Dictionary<Type, IReadOnlyList<string>> Register<TContext>(CakeEngine cake, StageEngine stages, IReadOnlyList<TaskInfo> graph, TContext context)
        where TContext : StageBuildContext
    {
        var stageNames = new Dictionary<Type, IReadOnlyList<string>>();
        foreach (var info in graph)
        {
            var task = (FrostingTask<TContext>)Activator.CreateInstance(info.Type)!;
            var upstream = info.Dependencies.Where(stageNames.ContainsKey).SelectMany(d => stageNames[d]).ToList();
            if (task is StageTask<TContext> stage)
            {
                stages.Add(stage.Define(context, upstream));
                stageNames[info.Type] = [info.Name];
            }
            else if (task is StageMatrixTask<TContext> matrix)
            {
                var defined = matrix.DefineStages(context, upstream);
                foreach (var definition in defined)
                    stages.Add(definition.CodeRoots.Count > 0 ? definition : definition with { CodeRoots = [info.Type] });
                matrix.StageNames = defined.Select(d => d.Name).ToList();
                stageNames[info.Type] = matrix.StageNames;
            }
            var builder = cake.RegisterTask(info.Name)
                .Description(info.Description)
                .WithCriteria(_ => task.ShouldRun(context))
                .Does(() => task.RunAsync(context));
            foreach (var dep in info.Dependencies) builder.IsDependentOn(TaskInfo.NameOf(dep));
        }
        return stageNames;
    }

    /// <summary>
    /// Drops the dependencies of a stage on upstream stages it reads nothing of under these params, so that
    /// neither Cake nor the engine runs or waits for them.
    /// </summary>
    private static IReadOnlyList<TaskInfo> WithoutUnreadUpstream<TContext>(IReadOnlyList<TaskInfo> graph, EffectiveParams parameters)
        where TContext : StageBuildContext =>
        graph.Select(info =>
        {
            var reads = Activator.CreateInstance(info.Type) switch
            {
                StageTask<TContext> stage => stage.ReadsFor(parameters),
                StageMatrixTask<TContext> matrix => matrix.ReadsFor(parameters),
                _ => null,
            };
            if (reads is null) return info;
            var kept = info.Dependencies
                .Where(d => !TaskInfo.Of(d).IsStage || reads.Any(r => ReadsFrom<TContext>(d, r)))
                .ToList();
            return kept.Count == info.Dependencies.Count ? info : info with { Dependencies = kept };
        }).ToList();

    /// <summary>
    /// Whether a read ("Stage/file") is of a stage the dependency stands for: the stage task itself, or one of a
    /// matrix task's stages (Report reads EvalTable/table.md, a stage of the Eval task).
    /// </summary>
    private static bool ReadsFrom<TContext>(Type dependency, string read) where TContext : StageBuildContext
    {
        if (read.StartsWith(TaskInfo.NameOf(dependency) + "/", StringComparison.Ordinal)) return true;
        var slash = read.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && Activator.CreateInstance(dependency) is StageMatrixTask<TContext> matrix && matrix.Defines(read[..slash]);
    }

    /// <summary>Whether a matrix task would define a stage of this name (its cells exist only once params are read).</summary>
    private static bool DefinedBy<TContext>(TaskInfo task, string stage) where TContext : StageBuildContext =>
        task.IsMatrix && Activator.CreateInstance(task.Type) is StageMatrixTask<TContext> matrix && matrix.Defines(stage);

    /// <summary>The target and everything it depends on, dependencies first.</summary>
    private static List<TaskInfo> Closure(TaskInfo target, IReadOnlyList<TaskInfo> graph)
    {
        var wanted = new HashSet<Type>();
        void Walk(Type type)
        {
            if (!wanted.Add(type)) return;
            foreach (var dep in graph.First(t => t.Type == type).Dependencies) Walk(dep);
        }
        Walk(target.Type);
        return graph.Where(t => wanted.Contains(t.Type)).ToList();
    }

    private static void PrintDescriptions(IAnsiConsole console, IReadOnlyList<TaskInfo> graph)
    {
        var table = new Table().AddColumns("Task", "Kind", "Description");
        foreach (var t in graph) table.AddRow(Markup.Escape(t.Name), t.IsStage ? "stage" : "task", Markup.Escape(t.Description));
        console.Write(table);
    }
}
