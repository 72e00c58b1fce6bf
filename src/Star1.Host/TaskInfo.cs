using System.Reflection;

namespace Star1.Host;

/// <summary>Reads a task class's attributes; the graph is built from these.</summary>
internal sealed record TaskInfo(Type Type, string Name, string Description, IReadOnlyList<Type> Dependencies, bool ReadOnly, bool IsStage, bool HandlesDryRun)
{
    /// <summary>A matrix task: it stands for stages worked out from params (<see cref="StageMatrixTask{TContext}"/>).</summary>
    public bool IsMatrix => IsGenericSubclass(Type, typeof(StageMatrixTask<>));

    public static string NameOf(Type type) => type.GetCustomAttribute<TaskNameAttribute>()?.Name ?? type.Name.Replace("Task", "");

    public static TaskInfo Of(Type type) => new(
        type,
        NameOf(type),
        type.GetCustomAttribute<TaskDescriptionAttribute>()?.Description ?? "",
        type.GetCustomAttributes<IsDependentOnAttribute>().Select(a => a.Task).ToList(),
        type.GetCustomAttribute<ReadOnlyTaskAttribute>() is not null,
        IsStageType(type),
        type.GetCustomAttribute<HandlesDryRunAttribute>() is not null);

    /// <summary>A stage task, or a matrix task standing for several stages.</summary>
    private static bool IsStageType(Type type) => IsGenericSubclass(type, typeof(StageTask<>)) || IsGenericSubclass(type, typeof(StageMatrixTask<>));

    private static bool IsGenericSubclass(Type? type, Type generic)
    {
        for (; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() == generic) return true;
        return false;
    }

    /// <summary>The task classes of an assembly for a context type, in an order where dependencies come first.</summary>
    public static IReadOnlyList<TaskInfo> Discover(Assembly assembly, Type contextType)
    {
        var all = assembly.GetTypes()
            .Where(t => !t.IsAbstract && IsTaskFor(t, contextType))
            .Select(Of)
            .ToDictionary(t => t.Type);
        var ordered = new List<TaskInfo>();
        var visiting = new HashSet<Type>();
        void Visit(TaskInfo task)
        {
            if (ordered.Contains(task)) return;
            if (!visiting.Add(task.Type)) throw new InvalidOperationException($"task {task.Name} depends on itself through a cycle");
            foreach (var dep in task.Dependencies)
            {
                if (!all.TryGetValue(dep, out var info)) throw new InvalidOperationException($"task {task.Name} depends on {dep.Name}, which is not a task");
                Visit(info);
            }
            ordered.Add(task);
        }
        foreach (var task in all.Values.OrderBy(t => t.Name, StringComparer.Ordinal)) Visit(task);
        return ordered;
    }

    private static bool IsTaskFor(Type type, Type contextType)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(FrostingTask<>))
                return t.GetGenericArguments()[0].IsAssignableFrom(contextType);
        return false;
    }
}
