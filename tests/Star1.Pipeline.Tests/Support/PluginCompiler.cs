using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// Compiles C# source into an assembly and loads it in its own context: a stand-in for "edit the code,
/// rebuild, run again" that takes milliseconds. Each call gives a fresh assembly, as a rebuild would.
/// </summary>
public static class PluginCompiler
{
    private static readonly MetadataReference[] References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();

    /// <param name="source">The code.</param>
    /// <param name="filePath">The path the compiler records, as a clone in another folder would.</param>
    /// <param name="references">Further assemblies it compiles against (images from <see cref="Emit"/>); they are not loaded.</param>
    public static Assembly Compile(string source, string filePath = "/repo/Plugin.cs", params byte[][] references)
    {
        using var stream = new MemoryStream(Emit(source, filePath, "Plugin", references));
        return new AssemblyLoadContext("plugin-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>Compiles to a file and loads it from there, as a built assembly in bin/ is loaded.</summary>
    public static Assembly CompileToFile(string source, string dllPath)
    {
        File.WriteAllBytes(dllPath, Emit(source, "/repo/Plugin.cs", "Plugin"));
        return new AssemblyLoadContext("plugin-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromAssemblyPath(dllPath);
    }

    /// <summary>The compiled assembly's bytes.</summary>
    public static byte[] Emit(string source, string filePath, string assemblyName, params byte[][] references)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: filePath);
        var compilation = CSharpCompilation.Create(assemblyName, [tree], [.. References, .. references.Select(r => MetadataReference.CreateFromImage(r))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return stream.ToArray();
    }
}
