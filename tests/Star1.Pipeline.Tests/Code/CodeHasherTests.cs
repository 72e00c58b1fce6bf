using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Star1.Pipeline.Code;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests.Code;

/// <summary>The code hasher on real compiled assemblies: what an edit changes, and what it does not.</summary>
public sealed class CodeHasherTests
{
    /// <summary>A stage that keeps the cosines at or above a threshold, a helper it calls, and a type it never reaches.</summary>
    public const string Version1 = """
        using System.Linq;
        namespace Plugin;
        public static class Filter
        {
            public static bool Keep(double cosine) => cosine >= 0.7;
        }
        public static class Unrelated
        {
            public static int Other() => 1;
        }
        public static class Stage
        {
            public static string Run(double[] cosines) => string.Join(",", cosines.Where(Filter.Keep));
        }
        """;

    /// <summary>Marks the source as this repository's code, so its types are walked rather than hashed as a file.</summary>
    private static string AsProject(string source) =>
        source.Replace("namespace Plugin;", "[assembly: System.Reflection.AssemblyMetadata(\"Star1.Project\", \"true\")]\nnamespace Plugin;", StringComparison.Ordinal);

    private static void InTempFolder(Action<string> test)
    {
        var folder = Directory.CreateTempSubdirectory("star1-code-").FullName;
        try
        {
            test(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static CodeIdentity Identity(string source, string path = "/repo/Plugin.cs") =>
        new CodeHasher(_ => null).Of([PluginCompiler.Compile(source, path).GetType("Plugin.Stage")!]);

    [Fact]
    public void TheSameCodeBuiltTwiceElsewhereWithOtherCommentsHasTheSameIdentity()
    {
        var reformatted = Version1
            .Replace("public static class Filter", "// keeps what is similar enough\npublic static class Filter")
            .Replace("    public static bool Keep", "\n\n    /* the threshold */\n    public static bool Keep");
        Assert.NotEqual(Version1, reformatted);
        var first = Identity(Version1);
        var second = Identity(reformatted, "/another/clone/src/Plugin.cs");
        Assert.Equal(first.Parts, second.Parts);
        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void AnEditedComparisonChangesTheTypeThatHoldsIt()
    {
        var edited = Version1.Replace("cosine >= 0.7", "cosine > 0.7");
        Assert.NotEqual(Version1, edited);
        var before = Identity(Version1);
        var after = Identity(edited);
        Assert.NotEqual(before.Hash, after.Hash);
        var changed = before.Parts.Keys.Where(k => before.Parts[k] != after.Parts.GetValueOrDefault(k)).ToList();
        Assert.Equal(["type Plugin.Filter"], changed);
    }

    [Fact]
    public void AnEditedConstantOrStringLiteralChangesTheIdentity()
    {
        var threshold = Version1.Replace("0.7", "0.6");
        var separator = Version1.Replace("string.Join(\",\"", "string.Join(\";\"");
        Assert.NotEqual(Identity(Version1).Hash, Identity(threshold).Hash);
        Assert.NotEqual(Identity(Version1).Hash, Identity(separator).Hash);
    }

    [Fact]
    public void CodeTheStageCannotReachIsLeftOut()
    {
        var edited = Version1.Replace("public static int Other() => 1;", "public static int Other() => 2;");
        Assert.NotEqual(Version1, edited);
        var identity = Identity(Version1);
        Assert.DoesNotContain("type Plugin.Unrelated", identity.Parts.Keys);
        Assert.Contains("type Plugin.Filter", identity.Parts.Keys);
        Assert.Equal(identity.Hash, Identity(edited).Hash);
    }

    [Fact]
    public void LambdasAndStateMachinesCountAsTheTypeThatWroteThem()
    {
        const string source = """
            using System.Linq;
            using System.Threading.Tasks;
            namespace Plugin;
            public static class Stage
            {
                public static async Task<int> Run(int[] xs) { await Task.Yield(); return xs.Count(x => x > 3); }
            }
            """;
        var edited = source.Replace("x > 3", "x > 4");
        var before = Identity(source);
        var after = Identity(edited);
        Assert.Equal(["type Plugin.Stage"], before.Parts.Keys.Where(k => k.StartsWith("type Plugin", StringComparison.Ordinal)));
        Assert.NotEqual(before.Parts["type Plugin.Stage"], after.Parts["type Plugin.Stage"]);
    }

    [Fact]
    public void PackagesAreHashedAsFilesAndTheFrameworkAndEngineAreNot()
    {
        var hashed = new List<string>();
        var identity = new CodeHasher(path => { hashed.Add(path); return "h-" + Path.GetFileName(path); })
            .Of([typeof(CodeHasherTests)]);
        // xunit is a package this test class uses; System.* is the framework; Star1.Pipeline is the engine.
        Assert.Contains(identity.Parts.Keys, k => k.StartsWith("assembly xunit", StringComparison.Ordinal));
        Assert.DoesNotContain(identity.Parts.Keys, k => k.StartsWith("assembly System.", StringComparison.Ordinal));
        Assert.DoesNotContain(identity.Parts.Keys, k => k.Contains("Star1.Pipeline.Code", StringComparison.Ordinal) && !k.Contains("Tests", StringComparison.Ordinal));
        Assert.Contains("type Star1.Pipeline.Tests.Support.PluginCompiler", identity.Parts.Keys);
        Assert.All(hashed, path => Assert.DoesNotContain(Path.GetDirectoryName(typeof(object).Assembly.Location)!, path));
    }

    private const string WithFileLocalHelper = """
        namespace Plugin;
        file static class Helper
        {
            public static int Twice(int x) => x * 2;
        }
        public static class Stage
        {
            public static int Run(int x) => Helper.Twice(x);
        }
        """;

    [Fact]
    public void FileLocalTypesAreNamedWithoutTheSourcePathSoAnotherCloneHashesTheSame()
    {
        // The compiler names a file-local type (as the regex generator's helpers are) after a checksum of its file's
        // path: a clone in another folder must still give the same identity, and an edit to the helper must change it.
        var here = Identity(AsProject(WithFileLocalHelper), "/home/a/star1/src/Plugin.cs");
        var elsewhere = Identity(AsProject(WithFileLocalHelper), "/tmp/ci-clone/src/Plugin.cs");
        Assert.Equal(here.Parts, elsewhere.Parts);
        Assert.Contains(here.Parts.Keys, k => k.Contains("F__Helper", StringComparison.Ordinal));
        Assert.DoesNotContain(here.Parts.Keys, k => System.Text.RegularExpressions.Regex.IsMatch(k, "F[0-9A-F]{64}__"));

        var edited = Identity(AsProject(WithFileLocalHelper.Replace("x * 2", "x * 3", StringComparison.Ordinal)), "/tmp/ci-clone/src/Plugin.cs");
        Assert.NotEqual(here.Hash, edited.Hash);
    }

    [Fact]
    public void StagesRunningSideBySideMayAskForIdentitiesAtOnce()
    {
        // Sixty-four stage classes walked from many threads at once, each identity remembered in one file: the file is
        // written whole each time, so unguarded this failed with "Collection was modified" (seen in a CI build).
        InTempFolder(folder =>
        {
            var classes = string.Join('\n', Enumerable.Range(0, 64).Select(i => $"public static class Stage{i} {{ public static bool Run(double c) => Filter.Keep(c + {i}); }}"));
            var assembly = PluginCompiler.CompileToFile(AsProject(Version1 + "\n" + classes), Path.Combine(folder, "Plugin.dll"));
            var cacheFile = Path.Combine(folder, "code.json");
            for (var round = 0; round < 10; round++)
            {
                File.Delete(cacheFile);
                var hasher = new CodeHasher(_ => null, cacheFile);
                var identities = new CodeIdentity[64];
                Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => identities[i] = hasher.Of([assembly.GetType($"Plugin.Stage{i}")!]));
                Assert.All(identities, id => Assert.Contains("type Plugin.Filter", id.Parts.Keys));
                Assert.Equal(64, identities.Select(id => id.Hash).Distinct().Count());
                Assert.All(Enumerable.Range(0, 64), i => Assert.Contains($"Plugin.Stage{i}@", File.ReadAllText(cacheFile)));
            }
        });
    }

    [Fact]
    public void AnIdentityIsRememberedWhileTheAssemblyFileIsUnchangedAndRecomputedAfterARebuild()
    {
        InTempFolder(folder =>
        {
            var source = AsProject(Version1);
            var dll = Path.Combine(folder, "Plugin.dll");
            var cacheFile = Path.Combine(folder, "code.json");
            var stage = PluginCompiler.CompileToFile(source, dll).GetType("Plugin.Stage")!;
            var computed = new CodeHasher(_ => null, cacheFile).Of([stage]);
            Assert.Contains("type Plugin.Filter", computed.Parts.Keys);
            Assert.Contains(dll, File.ReadAllText(cacheFile));

            // Prove the next hasher answers from the file: plant a marker in the remembered parts.
            File.WriteAllText(cacheFile, File.ReadAllText(cacheFile).Replace("\"type Plugin.Filter\"", "\"type Plugin.Remembered\""));
            var remembered = new CodeHasher(_ => null, cacheFile).Of([stage]);
            Assert.Contains("type Plugin.Remembered", remembered.Parts.Keys);

            // A rebuild changes the file's stamp: the walk runs again, whatever the cache says.
            File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddMinutes(1));
            var again = new CodeHasher(_ => null, cacheFile).Of([stage]);
            Assert.Equal(computed.Parts, again.Parts);
        });
    }

    [Fact]
    public void CodeThatPointsIntoAnAssemblyThatIsNotDeployedIsStillHashed()
    {
        var library = PluginCompiler.Emit("namespace Lib; public static class Helper { public static int Twice(int x) => 2 * x; }", "/repo/Lib.cs", "Lib");
        const string source = "namespace Plugin; public static class Stage { public static int Run(int x) => Lib.Helper.Twice(x) + 1; }";
        // Lib is compiled against but never loaded: resolving Helper.Twice fails, as for an optional dependency.
        var identity = new CodeHasher(_ => null).Of([PluginCompiler.Compile(source, "/repo/Plugin.cs", library).GetType("Plugin.Stage")!]);
        var edited = new CodeHasher(_ => null).Of([PluginCompiler.Compile(source.Replace("+ 1", "+ 2"), "/repo/Plugin.cs", library).GetType("Plugin.Stage")!]);
        Assert.Equal(["type Plugin.Stage"], identity.Parts.Keys);
        Assert.NotEqual(identity.Hash, edited.Hash);
    }

    [Fact]
    public void ARootInAPackageIsThatPackageAndTheOnesItReferences()
    {
        var identity = new CodeHasher(path => "h-" + Path.GetFileName(path)).Of([typeof(FactAttribute)]);
        // xunit.core holds FactAttribute and references xunit.abstractions; a package is never walked type by type.
        Assert.All(identity.Parts.Keys, k => Assert.StartsWith("assembly ", k, StringComparison.Ordinal));
        Assert.Contains(identity.Parts.Keys, k => k.StartsWith("assembly xunit.core ", StringComparison.Ordinal));
        Assert.Contains(identity.Parts.Keys, k => k.StartsWith("assembly xunit.abstractions ", StringComparison.Ordinal));
        Assert.Equal("h-xunit.core.dll", identity.Parts.Single(p => p.Key.StartsWith("assembly xunit.core ", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void TypesThatUseEachOtherAreEachHashedOnce()
    {
        const string source = """
            namespace Plugin;
            public static class Ping { public static int Go(int n) => n <= 0 ? 0 : Pong.Go(n - 1); }
            public static class Pong { public static int Go(int n) => n <= 0 ? 1 : Ping.Go(n - 1); }
            public static class Stage { public static int Run(int n) => Ping.Go(n); }
            """;
        var identity = Identity(source);
        Assert.Equal(["type Plugin.Ping", "type Plugin.Pong", "type Plugin.Stage"], identity.Parts.Keys);
    }

    [Fact]
    public void RememberedIdentitiesAreKeptApartPerStage()
    {
        InTempFolder(folder =>
        {
            var source = AsProject(Version1);
            var assembly = PluginCompiler.CompileToFile(source, Path.Combine(folder, "Plugin.dll"));
            var cacheFile = Path.Combine(folder, "code.json");
            var stage = new CodeHasher(_ => null, cacheFile).Of([assembly.GetType("Plugin.Stage")!]);
            var unrelated = new CodeHasher(_ => null, cacheFile).Of([assembly.GetType("Plugin.Unrelated")!]);
            Assert.Equal(["type Plugin.Unrelated"], unrelated.Parts.Keys);
            Assert.Equal(stage.Parts, new CodeHasher(_ => null, cacheFile).Of([assembly.GetType("Plugin.Stage")!]).Parts);
        });
    }

    [Fact]
    public void ARememberedIdentityIsRecomputedWhenAPackageItUsesChanges()
    {
        InTempFolder(folder =>
        {
            var source = AsProject("namespace Plugin; public static class Stage { public static void Run(bool ok) => Xunit.Assert.True(ok); }");
            var stage = PluginCompiler.CompileToFile(source, Path.Combine(folder, "Plugin.dll")).GetType("Plugin.Stage")!;
            var cacheFile = Path.Combine(folder, "code.json");
            var computed = new CodeHasher(_ => "h", cacheFile).Of([stage]);
            Assert.Contains(computed.Parts.Keys, k => k.StartsWith("assembly xunit.assert ", StringComparison.Ordinal));

            // As if xunit.assert.dll had been upgraded since: its remembered stamp no longer matches the file.
            var package = typeof(Assert).Assembly.Location;
            var json = JsonNode.Parse(File.ReadAllText(cacheFile))!;
            var entry = json.AsObject().Single().Value!;
            var stamp = entry["Assemblies"]![package];
            Assert.NotNull(stamp);
            stamp["Size"] = stamp["Size"]!.GetValue<long>() + 1;
            File.WriteAllText(cacheFile, json.ToJsonString().Replace("\"type Plugin.Stage\"", "\"type Plugin.Remembered\""));

            var again = new CodeHasher(_ => "h", cacheFile).Of([stage]);
            Assert.Equal(computed.Parts, again.Parts);
        });
    }

    [Fact]
    public void ARememberedIdentityDependsOnTheEngineThatDigestedIt()
    {
        InTempFolder(folder =>
        {
            var stage = PluginCompiler.CompileToFile(AsProject("namespace Plugin; public static class Stage { public static int Run() => 1; }"), Path.Combine(folder, "Plugin.dll")).GetType("Plugin.Stage")!;
            var cacheFile = Path.Combine(folder, "code.json");
            new CodeHasher(_ => "h", cacheFile).Of([stage]);
            // A new engine may digest code differently: its own assembly is among the files an identity was made from.
            var entry = JsonNode.Parse(File.ReadAllText(cacheFile))!.AsObject().Single().Value!;
            Assert.NotNull(entry["Assemblies"]![typeof(CodeHasher).Assembly.Location]);
        });
    }

    [Fact]
    public void ARememberedIdentitiesFileHoldingNullIsIgnored()
    {
        InTempFolder(folder =>
        {
            var cacheFile = Path.Combine(folder, "code.json");
            File.WriteAllText(cacheFile, "null");
            var stage = PluginCompiler.CompileToFile(AsProject(Version1), Path.Combine(folder, "Plugin.dll")).GetType("Plugin.Stage")!;
            var identity = new CodeHasher(_ => null, cacheFile).Of([stage]);
            Assert.Contains("type Plugin.Filter", identity.Parts.Keys);
            Assert.Contains("type Plugin.Filter", File.ReadAllText(cacheFile));
        });
    }

    [Fact]
    public void AnIdentityThatReachesCodeCompiledInMemoryIsNotRemembered()
    {
        InTempFolder(folder =>
        {
            // The stage's own assembly is a file; a helper it calls was compiled in memory and has no file to stamp.
            var library = PluginCompiler.Emit("namespace MemoryLib; public static class Helper { public static int Twice(int x) => 2 * x; }", "/repo/Lib.cs", "MemoryLib");
            var dll = Path.Combine(folder, "Plugin.dll");
            File.WriteAllBytes(dll, PluginCompiler.Emit(AsProject("namespace Plugin; public static class Stage { public static int Run(int x) => MemoryLib.Helper.Twice(x); }"), "/repo/Plugin.cs", "Plugin", library));
            var context = new AssemblyLoadContext("plugin-" + Guid.NewGuid().ToString("N"), isCollectible: true);
            using (var stream = new MemoryStream(library)) context.LoadFromStream(stream);
            var stage = context.LoadFromAssemblyPath(dll).GetType("Plugin.Stage")!;
            var cacheFile = Path.Combine(folder, "code.json");

            var identity = new CodeHasher(_ => null, cacheFile).Of([stage]);
            Assert.Equal(["type MemoryLib.Helper", "type Plugin.Stage"], identity.Parts.Keys);
            Assert.False(File.Exists(cacheFile));
        });
    }
}
