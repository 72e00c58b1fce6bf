namespace Star1.Host;

/// <summary>A task of the graph, Frosting-style: a class with attributes and a Run method.</summary>
public abstract class FrostingTask<TContext> where TContext : StageBuildContext
{
    public virtual void Run(TContext context) { }

    public virtual Task RunAsync(TContext context)
    {
        Run(context);
        return Task.CompletedTask;
    }

    /// <summary>Evaluated by Cake, also under --dryrun: it must not change anything.</summary>
    public virtual bool ShouldRun(TContext context) => true;
}
