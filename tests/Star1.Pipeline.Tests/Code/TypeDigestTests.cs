using System.Runtime.Loader;
using Star1.Pipeline.Code;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests.Code;

/// <summary>
/// What the type digest reads from a type: each way one type can use another makes the other part of the
/// stage's code, and each part of a declaration or of its IL is in the hash, so an edit to it is seen.
/// </summary>
public sealed class TypeDigestTests
{
    private static CodeIdentity Identity(string source) =>
        new CodeHasher(_ => null).Of([PluginCompiler.Compile(source).GetType("Plugin.Stage")!]);

    /// <summary>
    /// The stage uses Helper in one way only; VALUE is a number in Helper's own code. Helper must be walked:
    /// an edit to it changes the stage's identity, and Helper is its own part, not folded into the stage's.
    /// </summary>
    [Theory]
    [InlineData("base type", "public class Helper { public static int Value() => VALUE; } public class Stage : Helper { }")]
    [InlineData("interface", "public interface Helper { static int Value() => VALUE; } public class Stage : Helper { }")]
    [InlineData("type attribute", "public class Helper : System.Attribute { public static int Value() => VALUE; } [Helper] public static class Stage { }")]
    [InlineData("field type", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static Helper Kept; }")]
    [InlineData("field attribute", "public class Helper : System.Attribute { public static int Value() => VALUE; } public static class Stage { [Helper] public static int Kept; }")]
    [InlineData("array element type", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static Helper[] Kept; }")]
    [InlineData("generic argument", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static System.Collections.Generic.List<Helper> Kept; }")]
    [InlineData("property attribute", "public class Helper : System.Attribute { public static int Value() => VALUE; } public class Stage { [Helper] public int Kept { get; set; } }")]
    [InlineData("return type", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static Helper Make() => null; }")]
    [InlineData("method attribute", "public class Helper : System.Attribute { public static int Value() => VALUE; } public static class Stage { [Helper] public static void Run() { } }")]
    [InlineData("parameter type", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static int Run(Helper h) => 0; }")]
    [InlineData("parameter attribute", "public class Helper : System.Attribute { public static int Value() => VALUE; } public static class Stage { public static int Run([Helper] int x) => x; }")]
    [InlineData("local variable", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static int Run() { Helper h = null; if (System.Environment.TickCount > 0) h = null; return h == null ? 1 : 0; } }")]
    [InlineData("caught exception", "public class Helper : System.Exception { public static int Value() => VALUE; } public static class Stage { public static int Run(System.Func<int> f) { try { return f(); } catch (Helper) { return 0; } } }")]
    [InlineData("typeof", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static System.Type Run() => typeof(Helper); }")]
    [InlineData("generic method argument", "public class Helper { public static int Value() => VALUE; } public static class Stage { public static int Run() => System.Array.Empty<Helper>().Length; }")]
    [InlineData("static field read", "public class Helper { public static int Count; public static int Value() => VALUE; } public static class Stage { public static int Run() => Helper.Count; }")]
    public void AnEditToATypeTheStageUsesOnlyThroughOneMemberChangesTheStage(string kind, string source)
    {
        var before = Identity("namespace Plugin; " + source.Replace("VALUE", "1", StringComparison.Ordinal));
        var after = Identity("namespace Plugin; " + source.Replace("VALUE", "2", StringComparison.Ordinal));
        var walked = before.Parts.Keys.Where(k => k.StartsWith("type ", StringComparison.Ordinal)).ToList();
        Assert.True(walked.SequenceEqual(["type Plugin.Helper", "type Plugin.Stage"]), $"{kind}: walked {string.Join(", ", walked)}");
        Assert.Equal(before.Parts["type Plugin.Stage"], after.Parts["type Plugin.Stage"]);
        Assert.NotEqual(before.Parts["type Plugin.Helper"], after.Parts["type Plugin.Helper"]);
        Assert.NotEqual(before.Hash, after.Hash);
    }

    [Fact]
    public void AGenericTypeUsedWithATypeArgumentIsWalkedAsItsDefinition()
    {
        const string source = "namespace Plugin; public class Box<T> { public static int Value() => VALUE; } public static class Stage { public static Box<int> Kept; }";
        var before = Identity(source.Replace("VALUE", "1", StringComparison.Ordinal));
        var after = Identity(source.Replace("VALUE", "2", StringComparison.Ordinal));
        Assert.Equal(["type Plugin.Box`1", "type Plugin.Stage"], before.Parts.Keys.Where(k => k.StartsWith("type ", StringComparison.Ordinal)));
        Assert.NotEqual(before.Parts["type Plugin.Box`1"], after.Parts["type Plugin.Box`1"]);
    }

    /// <summary>Pairs of declarations that differ in one thing the stage's own part must see.</summary>
    [Theory]
    [InlineData("sealed", "public class Stage { }", "public sealed class Stage { }")]
    [InlineData("interface list", "public class Base { public void Dispose() { } } public class Stage : Base { }", "public class Base { public void Dispose() { } } public class Stage : Base, System.IDisposable { }")]
    [InlineData("type attribute argument", "[System.ComponentModel.Description(\"a\")] public class Stage { }", "[System.ComponentModel.Description(\"b\")] public class Stage { }")]
    [InlineData("field type", "public class Stage { public static int Kept; }", "public class Stage { public static long Kept; }")]
    [InlineData("field name", "public class Stage { public static int Kept; }", "public class Stage { public static int Held; }")]
    [InlineData("field attribute", "public class Stage { [System.ComponentModel.Description(\"a\")] public static int Kept; }", "public class Stage { [System.ComponentModel.Description(\"b\")] public static int Kept; }")]
    [InlineData("constant value", "public class Stage { public const int Limit = 5; }", "public class Stage { public const int Limit = 6; }")]
    [InlineData("constant name and value", "public class Stage { public const int X = 15; }", "public class Stage { public const int X1 = 5; }")]
    [InlineData("property attribute", "public class Stage { [System.ComponentModel.Description(\"a\")] public int Kept { get; set; } }", "public class Stage { [System.ComponentModel.Description(\"b\")] public int Kept { get; set; } }")]
    [InlineData("method name", "public class Stage { public static int Run() => 1; }", "public class Stage { public static int Walk() => 1; }")]
    [InlineData("method attribute", "public class Stage { [System.ComponentModel.Description(\"a\")] public static int Run() => 1; }", "public class Stage { [System.ComponentModel.Description(\"b\")] public static int Run() => 1; }")]
    [InlineData("parameter default", "public class Stage { public static int Run(int x = 15) => x; }", "public class Stage { public static int Run(int x = 5) => x; }")]
    [InlineData("parameter name and default", "public class Stage { public static int Run(int x = 15) => x; }", "public class Stage { public static int Run(int x1 = 5) => x1; }")]
    [InlineData("parameter attribute", "public class Stage { public static int Run([System.ComponentModel.Description(\"a\")] int x) => x; }", "public class Stage { public static int Run([System.ComponentModel.Description(\"b\")] int x) => x; }")]
    [InlineData("local type", "public class Stage { public static bool Run() { System.IComparable c = null; if (System.Environment.TickCount > 0) c = null; return c == null; } }", "public class Stage { public static bool Run() { System.IFormattable c = null; if (System.Environment.TickCount > 0) c = null; return c == null; } }")]
    [InlineData("caught type", "public class Stage { public static int Run(System.Func<int> f) { try { return f(); } catch (System.ArgumentException) { return 0; } } }", "public class Stage { public static int Run(System.Func<int> f) { try { return f(); } catch (System.InvalidOperationException) { return 0; } } }")]
    [InlineData("where a try block starts", "public class Stage { public static void Run(System.Action a, System.Action b) { try { a(); b(); } catch (System.Exception) { } } }", "public class Stage { public static void Run(System.Action a, System.Action b) { a(); try { b(); } catch (System.Exception) { } } }")]
    [InlineData("one-byte integer", "public class Stage { public static int Run(int x) => x + 20; }", "public class Stage { public static int Run(int x) => x + 30; }")]
    [InlineData("four-byte integer", "public class Stage { public static int Run(int x) => x + 1000; }", "public class Stage { public static int Run(int x) => x + 2000; }")]
    [InlineData("float", "public class Stage { public static float Run(float x) => x * 0.5f; }", "public class Stage { public static float Run(float x) => x * 0.25f; }")]
    [InlineData("switch table", "public class Stage { public static int Run(int x) { switch (x) { case 0: case 1: return 10; case 2: return 30; default: return 7; } } }", "public class Stage { public static int Run(int x) { switch (x) { case 0: return 10; case 1: case 2: return 30; default: return 7; } } }")]
    [InlineData("called method", "public class Helper { public static int A(int x) => x; public static int B(int x) => x; } public class Stage { public static int Run(int x) => Helper.A(x); }", "public class Helper { public static int A(int x) => x; public static int B(int x) => x; } public class Stage { public static int Run(int x) => Helper.B(x); }")]
    [InlineData("read field", "public class Helper { public static int A; public static int B; } public class Stage { public static int Run() => Helper.A; }", "public class Helper { public static int A; public static int B; } public class Stage { public static int Run() => Helper.B; }")]
    [InlineData("method type parameter", "public class Stage { public static System.Type Run<T, U>() => typeof(T); }", "public class Stage { public static System.Type Run<T, U>() => typeof(U); }")]
    public void AnEditToTheStagesOwnDeclarationOrCodeChangesItsPart(string kind, string before, string after)
    {
        Assert.NotEqual(before, after);
        var first = Identity("namespace Plugin; " + before);
        var second = Identity("namespace Plugin; " + after);
        Assert.True(first.Parts["type Plugin.Stage"] != second.Parts["type Plugin.Stage"], kind);
    }

    [Fact]
    public void AnArgumentBeyondTheShortFormIsReadByItsIndex()
    {
        // ldarg with a two-byte index: only reached with more than 255 parameters.
        var parameters = string.Join(", ", Enumerable.Range(0, 300).Select(i => $"int p{i}"));
        var before = Identity($"namespace Plugin; public class Stage {{ public static int Run({parameters}) => p299 - p298; }}");
        var after = Identity($"namespace Plugin; public class Stage {{ public static int Run({parameters}) => p298 - p299; }}");
        Assert.NotEqual(before.Parts["type Plugin.Stage"], after.Parts["type Plugin.Stage"]);
    }

    [Fact]
    public void ANumberThatHappensToEqualAMetadataTokenIsNotTakenForTheTypeItNames()
    {
        const string source = "namespace Plugin; public class Helper { public static int Value() => 1; } public class Stage { public static int Run() => TOKEN; }";
        var token = PluginCompiler.Compile(source.Replace("TOKEN", "0", StringComparison.Ordinal)).GetType("Plugin.Helper")!.MetadataToken;
        var compiled = PluginCompiler.Compile(source.Replace("TOKEN", token.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Equal(token, compiled.GetType("Plugin.Helper")!.MetadataToken);
        var identity = new CodeHasher(_ => null).Of([compiled.GetType("Plugin.Stage")!]);
        Assert.Equal(["type Plugin.Stage"], identity.Parts.Keys);
    }

    [Theory]
    [InlineData("public static string Run() => \"TEXT\";")]
    [InlineData("public const string Value = \"TEXT\"; public static int Run() => 1;")]
    [InlineData("public static string Run(string s = \"TEXT\") => s;")]
    [InlineData("[System.Obsolete(\"TEXT\")] public static int Run() => 1;")]
    public void AStringCannotSpellOutLinesOfTheText(string member)
    {
        // A string holding quotes, newlines and what looks like IL must stay one token of the text: written raw,
        // a literal could spell out another method's lines and two different types would hash the same.
        static string Text(string member, string text) => TypeDigest.TextOf(PluginCompiler.Compile(
            "namespace Plugin; public static class Stage { MEMBER }".Replace("MEMBER", member.Replace("TEXT", text, StringComparison.Ordinal), StringComparison.Ordinal))
            .GetType("Plugin.Stage")!);
        var plain = Text(member, "x");
        var tricky = Text(member, "x\\\" \\n  ret\\nmethod Public Static System.String Run()\\n  ldstr \\\"");
        Assert.Equal(plain.Split('\n').Length, tricky.Split('\n').Length);
        Assert.Contains("\\\"", tricky);
    }

    [Fact]
    public void AClosedGenericRootIsWalkedAsItsDefinition()
    {
        var assembly = PluginCompiler.Compile("namespace Plugin; public class Stage<T> { public static int Run() => 1; }");
        var definition = assembly.GetType("Plugin.Stage`1")!;
        var closed = new CodeHasher(_ => null).Of([definition.MakeGenericType(typeof(int))]);
        Assert.Equal(["type Plugin.Stage`1"], closed.Parts.Keys);
        Assert.Equal(new CodeHasher(_ => null).Of([definition]).Hash, closed.Hash);
    }

    [Fact]
    public void ATypeIsNotListedAmongTheTypesItUses()
    {
        var assembly = PluginCompiler.Compile("namespace Plugin; public class Helper { } public static class Stage { public static int Run() => Twice(1) + Twice(2); static int Twice(int x) { System.GC.KeepAlive(new Helper()); return 2 * x; } }");
        var digest = TypeDigest.Of(assembly.GetType("Plugin.Stage")!);
        Assert.Equal([assembly.GetType("Plugin.Helper")!], digest.Types);
    }

    [Fact]
    public void AnAttributeFromAnAssemblyThatIsNotDeployedStillCounts()
    {
        var library = PluginCompiler.Emit("namespace Lib; public class MarkAttribute : System.Attribute { }", "/repo/Lib.cs", "Lib");
        const string source = "namespace Plugin; public static class Stage { public static int Run(int x) => x; }";
        // Lib is compiled against but never loaded: reading the attribute fails, as for an optional dependency.
        var marked = new CodeHasher(_ => null).Of([PluginCompiler.Compile(source.Replace("public static class", "[Lib.Mark] public static class", StringComparison.Ordinal), "/repo/Plugin.cs", library).GetType("Plugin.Stage")!]);
        var plain = new CodeHasher(_ => null).Of([PluginCompiler.Compile(source, "/repo/Plugin.cs", library).GetType("Plugin.Stage")!]);
        Assert.Equal(["type Plugin.Stage"], marked.Parts.Keys);
        Assert.NotEqual(plain.Hash, marked.Hash);
    }

    [Fact]
    public void BytesThatAreNoKnownInstructionAreStillHashed()
    {
        // ldc.i4 0x12345678; ret, with the opcode byte replaced by 0x24, which no instruction uses.
        var image = PluginCompiler.Emit("namespace Plugin; public static class Stage { public static int Run() => 0x12345678; }", "/repo/Plugin.cs", "Plugin");
        byte[] body = [0x20, 0x78, 0x56, 0x34, 0x12, 0x2A];
        var at = image.AsSpan().IndexOf(body);
        Assert.True(at >= 0);
        string HashWith(byte operand, int unknownAt = 0)
        {
            var patched = (byte[])image.Clone();
            patched[at + 1] = operand;
            patched[at + unknownAt] = 0x24;
            using var stream = new MemoryStream(patched);
            var stage = new AssemblyLoadContext("plugin-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(stream).GetType("Plugin.Stage")!;
            return new CodeHasher(_ => null).Of([stage]).Parts["type Plugin.Stage"];
        }
        Assert.Equal(HashWith(0x78), HashWith(0x78));
        Assert.NotEqual(HashWith(0x78), HashWith(0x79));
        // The unknown byte last, in place of ret: what comes before is decoded, and nothing is read beyond the end.
        Assert.NotEqual(HashWith(0x78, unknownAt: 5), HashWith(0x79, unknownAt: 5));
        Assert.NotEqual(HashWith(0x78), HashWith(0x78, unknownAt: 5));
    }
}
