using System.Collections.Concurrent;
using System.Reflection;
using Star1.Pipeline.Hashing;

namespace Star1.Pipeline.Code;

/// <summary>
/// Finds the code a stage runs, starting from its task class: every type of this repository its IL can
/// reach, type by type, and every third-party assembly those types use (with the assemblies those
/// reference in turn), as a <see cref="CodeIdentity"/>. Nothing is declared by hand, so an edit to any code
/// a stage can call makes it stale, and an edit elsewhere does not.
/// </summary>
/// <remarks>
/// Left out: the shared .NET framework (pinned by global.json) and the engine assemblies
/// (<see cref="EngineAssemblyAttribute"/>). Reached through reflection only (a type named in a string)
/// would be missed; no stage does that. Results are memoised per type for the life of the hasher, and
/// package files are hashed through the stamp-checked <see cref="HashIndex"/>, so a no-op build re-reads
/// nothing.
/// </remarks>
public sealed class CodeHasher(Func<string, string?> fileHash)
{
    private readonly ConcurrentDictionary<Type, TypeDigest> digests = new();
    private readonly ConcurrentDictionary<Assembly, (string Name, string Hash, Assembly[] References)> packages = new();

    /// <summary>The code reachable from the given types (any type of a class suffices: the walk starts at its outermost type).</summary>
    public CodeIdentity Of(IEnumerable<Type> roots)
    {
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var seenTypes = new HashSet<Type>();
        var seenPackages = new HashSet<Assembly>();
        var queue = new Queue<Type>(roots.Select(TypeDigest.Outermost));
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (!seenTypes.Add(type)) continue;
            if (CodeKinds.Of(type.Assembly) != CodeKind.Project)
            {
                if (CodeKinds.Of(type.Assembly) == CodeKind.Package) AddPackage(type.Assembly, parts, seenPackages);
                continue;
            }
            var digest = digests.GetOrAdd(type, TypeDigest.Of);
            parts[$"type {type.FullName}"] = digest.Hash;
            foreach (var next in digest.Types) queue.Enqueue(next);
            foreach (var package in digest.Packages) AddPackage(package, parts, seenPackages);
        }
        return new CodeIdentity(parts);
    }

    /// <summary>The combined hash of the code reachable from one type: what an inner cache keys its entries by.</summary>
    public string HashOf(Type root) => Of([root]).Hash;

    private void AddPackage(Assembly assembly, SortedDictionary<string, string> parts, HashSet<Assembly> seen)
    {
        if (!seen.Add(assembly)) return;
        var (name, hash, references) = packages.GetOrAdd(assembly, Describe);
        parts[$"assembly {name}"] = hash;
        foreach (var reference in references) AddPackage(reference, parts, seen);
    }

    private (string, string, Assembly[]) Describe(Assembly assembly)
    {
        var name = assembly.GetName();
        var hash = fileHash(assembly.Location) ?? "<missing>";
        var references = new List<Assembly>();
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            Assembly loaded;
            try
            {
                loaded = Assembly.Load(reference);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                continue; // an optional dependency that is not deployed cannot run, so it cannot change a result
            }
            if (CodeKinds.Of(loaded) == CodeKind.Package) references.Add(loaded);
        }
        return ($"{name.Name} {name.Version}", hash, references.ToArray());
    }
}
