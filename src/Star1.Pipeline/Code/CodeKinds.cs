using System.Reflection;

namespace Star1.Pipeline.Code;

/// <summary>How the code hasher treats an assembly.</summary>
internal enum CodeKind
{
    /// <summary>The .NET shared framework: fixed by the SDK in global.json, not hashed.</summary>
    Framework,

    /// <summary>Marked <see cref="EngineAssemblyAttribute"/>: runs stages, does not decide their results.</summary>
    Engine,

    /// <summary>Built from this repository (or compiled in memory): hashed type by type, from its IL.</summary>
    Project,

    /// <summary>A third-party assembly (a NuGet package): hashed as a whole file.</summary>
    Package,
}

internal static class CodeKinds
{
    /// <summary>Set on every assembly built from this repository by Directory.Build.props.</summary>
    public const string ProjectMetadataKey = "Star1.Project";

    private static readonly string FrameworkRoot = FrameworkFolder();

    // Asked once per type a walk notes (thousands per stage); an assembly's kind never changes in a process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, CodeKind> Known = new();

    public static CodeKind Of(Assembly assembly) => Known.GetOrAdd(assembly, Classify);

    private static CodeKind Classify(Assembly assembly)
    {
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location)) return CodeKind.Project;
        if (assembly.GetCustomAttribute<EngineAssemblyAttribute>() is not null) return CodeKind.Engine;
        if (assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Any(a => a.Key == ProjectMetadataKey)) return CodeKind.Project;
        if (Path.GetFullPath(assembly.Location).StartsWith(FrameworkRoot, StringComparison.Ordinal)) return CodeKind.Framework;
        return CodeKind.Package;
    }

    /// <summary>dotnet/shared/: every shared framework (NETCore.App, AspNetCore.App) lives below it.</summary>
    private static string FrameworkFolder()
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!; // .../shared/Microsoft.NETCore.App/10.0.x
        var shared = Path.GetDirectoryName(Path.GetDirectoryName(runtime))!;
        return Path.GetFullPath(shared) + Path.DirectorySeparatorChar;
    }
}
