using Cake.Core;
using Star1.Host;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>Cake's side of stages side by side: a stage task returns as soon as it has scheduled, and an error before that is not lost.</summary>
public sealed class SideBySideStrategyTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    /// <summary>Cake's strategy reduced to running a task's work: the test decides what that work returns.</summary>
    private sealed class Inner(Func<Task> work) : IExecutionStrategy
    {
        public Task ExecuteAsync(CakeTask task, ICakeContext context) => work();
        public void PerformSetup(Action<ISetupContext> action, ISetupContext context) { }
        public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext context) { }
        public void Skip(CakeTask task, CakeTaskCriteria criteria) { }
        public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => Task.CompletedTask;
        public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => Task.CompletedTask;
        public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => Task.CompletedTask;
        public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext context) { }
        public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext context) { }
    }

    private SideBySideExecutionStrategy Strategy(Func<Task> work) =>
        new(new Inner(work), new StageScheduler(repo.BareEngine(), jobs: 2, cpuJobs: 1), new HashSet<string> { "Stage" });

    [Fact]
    public async Task AStageTaskReturnsBeforeItsWorkEnds()
    {
        var work = new TaskCompletionSource();
        var handedOver = Strategy(() => work.Task).ExecuteAsync(new CakeTask("Stage"), null!);
        Assert.True(handedOver.IsCompletedSuccessfully);
        work.SetResult();
        await handedOver;
    }

    [Fact]
    public async Task AStageTaskThatFailsBeforeSchedulingAnythingFailsAtOnce()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Strategy(() => Task.FromException(new InvalidOperationException("no such stage"))).ExecuteAsync(new CakeTask("Stage"), null!));
        Assert.Equal("no such stage", error.Message);
    }

    [Fact]
    public async Task AnyOtherTaskRunsOnlyAfterTheStagesScheduledBeforeIt()
    {
        var engine = repo.BareEngine();
        var slowDone = false;
        engine.Add(new Stages.StageDefinition
        {
            Name = "Slow",
            Outputs = ["out.txt"],
            Execute = async (ctx, ct) =>
            {
                await Task.Delay(300, ct);
                await File.WriteAllTextAsync(ctx.Output("out.txt"), "slow", ct);
                slowDone = true;
            },
        });
        var scheduler = new StageScheduler(engine, jobs: 2, cpuJobs: 1);
        _ = scheduler.RunAsync("Slow", force: false);
        bool? sawSlowDone = null;
        var strategy = new SideBySideExecutionStrategy(new Inner(() => { sawSlowDone = slowDone; return Task.CompletedTask; }), scheduler, new HashSet<string> { "Slow" });

        await strategy.ExecuteAsync(new CakeTask("Star1"), null!);

        Assert.True(sawSlowDone);
    }
}
