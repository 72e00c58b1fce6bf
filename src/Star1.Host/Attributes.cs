namespace Star1.Host;

/// <summary>The task's name in the graph (what --target takes).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A task that must run before this one. On a stage task, an upstream stage is also an input.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

/// <summary>One line for --tree, --description and the README.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

/// <summary>A task that only reads the artifacts folder (Status): it runs without taking the build lock.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReadOnlyTaskAttribute : Attribute;

/// <summary>
/// A task that does its own --dryrun (Gc lists what it would delete): under --dryrun the host runs it, with
/// <see cref="HostOptions.DryRun"/> set, instead of printing the stage table.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class HandlesDryRunAttribute : Attribute;
