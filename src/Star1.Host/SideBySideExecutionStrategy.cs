using Cake.Core;
using Star1.Pipeline.Engine;

namespace Star1.Host;

/// <summary>
/// Cake's execution strategy with stages run side by side. Cake walks the graph in dependency order and hands
/// each task here; a stage task only schedules its stages on the <see cref="StageScheduler"/> (which starts each
/// once its upstream stages are done) and returns, so Cake goes on to the next task at once. Any other task
/// (Star1, Status...) may look at what stages wrote, so it first waits for every stage scheduled before it.
/// </summary>
internal sealed class SideBySideExecutionStrategy(IExecutionStrategy inner, StageScheduler scheduler, IReadOnlySet<string> stageTasks) : IExecutionStrategy
{
    public async Task ExecuteAsync(CakeTask task, ICakeContext context)
    {
        if (stageTasks.Contains(task.Name))
        {
            // Scheduling happens before the first await of the task's action; its completion is the scheduler's
            // business (WhenAllAsync), not Cake's. A task that failed before scheduling anything (its action threw at
            // once) has no stage to report it: its error is Cake's, now.
            var scheduling = inner.ExecuteAsync(task, context);
            if (scheduling.IsFaulted) await scheduling;
            return;
        }
        await scheduler.WhenAllAsync();
        await inner.ExecuteAsync(task, context);
    }

    public void PerformSetup(Action<ISetupContext> action, ISetupContext context) => inner.PerformSetup(action, context);
    public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext context) => inner.PerformTeardown(action, context);
    public void Skip(CakeTask task, CakeTaskCriteria criteria) => inner.Skip(task, criteria);
    public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => inner.ReportErrorsAsync(action, exception);
    public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => inner.HandleErrorsAsync(action, exception, context);
    public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => inner.InvokeFinallyAsync(action, context);
    public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext context) => inner.PerformTaskSetup(action, context);
    public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext context) => inner.PerformTaskTeardown(action, context);
}
