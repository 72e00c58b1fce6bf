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
public sealed class CodeHasher
{
    private readonly ConcurrentDictionary<Type, TypeDigest> digests = new();
    private readonly ConcurrentDictionary<Assembly, (string Name, string Hash, Assembly[] References)> packages = new();
    private readonly Func<string, string?> fileHash;
    private readonly CodeIdentityCache? remembered;

    /// <param name="fileHash">Hashes a package file (the engine passes its stamp-checked hash index).</param>
    /// <param name="cacheFile">Where identities are remembered between builds, keyed by assembly stamps; null: not at all.</param>
    public CodeHasher(Func<string, string?> fileHash, string? cacheFile = null)
    {
        this.fileHash = fileHash;
        remembered = cacheFile is null ? null : CodeIdentityCache.Load(cacheFile);
    }

    /// <summary>
    /// One walk at a time: stages running side by side ask for identities at once (the engine for a fingerprint,
    /// a stage for its request cache's key), and the remembered identities are one file written as a whole.
    /// Walks are memoised per type, so waiting here costs little.
    /// </summary>
    private readonly Lock gate = new();

    /// <summary>The code reachable from the given types (any type of a class suffices: the walk starts at its outermost type).</summary>
    public CodeIdentity Of(IEnumerable<Type> roots)
    {
        lock (gate) return OfUnlocked(roots);
    }

    private CodeIdentity OfUnlocked(IEnumerable<Type> roots)
    {
        var rootList = roots.Select(TypeDigest.Outermost).Distinct().ToList();
        var cacheable = remembered is not null && rootList.All(r => !string.IsNullOrEmpty(r.Assembly.Location));
        var key = string.Join(";", rootList.Select(r => $"{r.FullName}@{r.Assembly.Location}").Order(StringComparer.Ordinal));
        if (cacheable && remembered!.Find(key) is { } known) return known;

        var (identity, files) = Walk(rootList);
        if (cacheable && files is not null) remembered!.Remember(key, files, identity);
        return identity;
    }

    /// <summary>The walk itself; also returns the assembly files the result depends on (null if one has no file).</summary>
    private (CodeIdentity Identity, IReadOnlyCollection<string>? Files) Walk(List<Type> roots)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        var inMemory = false;
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var seenTypes = new HashSet<Type>();
        var seenPackages = new HashSet<Assembly>();
        var queue = new Queue<Type>(roots);
        // Type names made path-free can meet (FileLocalNames): each name keeps the hashes of every type it stands for.
        var typeHashes = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (!seenTypes.Add(type)) continue;
            if (string.IsNullOrEmpty(type.Assembly.Location)) inMemory = true;
            else if (CodeKinds.Of(type.Assembly) is CodeKind.Project or CodeKind.Package) files.Add(type.Assembly.Location);
            if (CodeKinds.Of(type.Assembly) != CodeKind.Project)
            {
                if (CodeKinds.Of(type.Assembly) == CodeKind.Package) AddPackage(type.Assembly, parts, seenPackages);
                continue;
            }
            var digest = digests.GetOrAdd(type, TypeDigest.Of);
            var name = $"type {FileLocalNames.Stable(type.FullName ?? type.Name)}";
            if (!typeHashes.TryGetValue(name, out var hashes)) typeHashes[name] = hashes = new(StringComparer.Ordinal);
            hashes.Add(digest.Hash);
            parts[name] = hashes.Count == 1 ? digest.Hash : ContentHash.OfString(string.Join('\n', hashes));
            foreach (var next in digest.Types) queue.Enqueue(next);
            foreach (var package in digest.Packages) AddPackage(package, parts, seenPackages);
        }
        files.UnionWith(seenPackages.Select(p => p.Location));
        // The digest's own rules are part of every identity: a remembered one made by another engine build is not reused.
        files.Add(typeof(TypeDigest).Assembly.Location);
        return (new CodeIdentity(parts), inMemory ? null : files);
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
