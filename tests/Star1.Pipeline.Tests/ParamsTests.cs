using Star1.Pipeline.Params;

namespace Star1.Pipeline.Tests;

public sealed class ParamsTests
{
    private const string Yaml = """
        collect:
          threshold: 0.6   # a float
          size: 10
          name: demo
          enabled: true
          sets: [a, b]
        profiles:
          paper:
            collect:
              name: paper
          broken:
            collect:
              treshold: 0.5
        """;

    private static EffectiveParams Load(string? profile = null, params string[] sets) => ParamsLoader.Parse(Yaml, "params.yaml", profile, sets);

    [Fact]
    public void ReadsTypedValuesAndAppliesProfilesAndSets()
    {
        var p = Load("paper", "collect.size=20", "collect.threshold=1");
        Assert.Equal("paper", p.Get("collect.name").AsString());
        Assert.Equal(20, p.Get("collect.size").AsInt());
        Assert.Equal(1.0, p.Get("collect.threshold").AsDouble());
        Assert.Equal("paper", p.Profile);
        Assert.Equal(["profile paper", "--set collect.size=20", "--set collect.threshold=1"], p.Overrides);
        Assert.Equal("[\"a\",\"b\"]", p.Canonical("collect.sets"));
        Assert.Null(p.Find("profiles"));
    }

    [Fact]
    public void CanonicalFormIgnoresSpelling()
    {
        Assert.Equal(Load().Canonical("collect"), Load(null, "collect.threshold=0.60").Canonical("collect"));
        Assert.NotEqual(Load().Canonical("collect"), Load(null, "collect.threshold=0.61").Canonical("collect"));
    }

    [Fact]
    public void UnknownKeyInAProfileNamesFileLineAndKey()
    {
        var e = Assert.Throws<ParamsException>(() => Load("broken"));
        Assert.Contains("params.yaml line 13", e.Message);
        Assert.Contains("'collect.treshold'", e.Message);
    }

    [Fact]
    public void WrongTypeNamesTheKeyAndWhereItsTypeComesFrom()
    {
        var e = Assert.Throws<ParamsException>(() => Load(null, "collect.size=lots"));
        Assert.Contains("'collect.size'", e.Message);
        Assert.Contains("params.yaml line 3", e.Message);
        Assert.Contains("--set collect.size=lots", e.Message);
        // Each kind of mismatch names the kind the schema wants, not just "some error".
        Assert.Contains("'collect.enabled' expects true or false (as at params.yaml line 5)", Assert.Throws<ParamsException>(() => Load(null, "collect.enabled=3")).Message);
        Assert.Contains("'collect.sets' expects a list (as at params.yaml line 6)", Assert.Throws<ParamsException>(() => Load(null, "collect.sets=x")).Message);
        Assert.Contains("'collect' expects a group of keys (as at params.yaml", Assert.Throws<ParamsException>(() => Load(null, "collect=1")).Message);
    }

    [Fact]
    public void BadSetPathsFail()
    {
        Assert.Contains("unknown key 'collect.nope'", Assert.Throws<ParamsException>(() => Load(null, "collect.nope=1")).Message);
        Assert.Contains("unknown key 'nope'", Assert.Throws<ParamsException>(() => Load(null, "nope.x=1")).Message);
        Assert.Contains("key.path=value", Assert.Throws<ParamsException>(() => Load(null, "collect.size")).Message);
    }

    [Fact]
    public void UnknownProfileListsTheKnownOnes()
    {
        var e = Assert.Throws<ParamsException>(() => Load("nope"));
        Assert.Contains("default, paper, broken", e.Message);
    }

    [Fact]
    public void MalformedYamlAndDuplicateKeysNameTheLine()
    {
        Assert.Contains("line 3", Assert.Throws<ParamsException>(() => ParamsLoader.Parse("a:\n  b: 1\n c: 2\n", "params.yaml")).Message);
        Assert.Contains("line 2", Assert.Throws<ParamsException>(() => ParamsLoader.Parse("a: 1\na: 2\n", "params.yaml")).Message);
    }

    private static string SyntaxError(string yaml) =>
        Assert.Throws<ParamsException>(() => ParamsLoader.Parse(yaml, "my-params.yaml")).Message;

    [Fact]
    public void AnUnclosedBracketNamesTheLineItOpensOn()
    {
        // Runs on into the next key: YamlDotNet throws a bare InvalidOperationException here.
        var midFile = SyntaxError("collect:\n  size: 10\n  sets: [a, b\n  name: demo\n");
        Assert.StartsWith("my-params.yaml line 3: ", midFile);
        Assert.Contains("'[' is never closed", midFile);

        // On the last line: YamlDotNet reports the end of the file, line 4.
        var lastLine = SyntaxError("collect:\n  size: 10\n  sets: [a, b\n");
        Assert.StartsWith("my-params.yaml line 3: ", lastLine);
        Assert.Contains("'[' is never closed", lastLine);
    }

    [Fact]
    public void AnUnclosedBraceNamesTheLineItOpensOn()
    {
        var midFile = SyntaxError("collect:\n  size: 10\n  extra: {name: x\n  name: demo\n");
        Assert.StartsWith("my-params.yaml line 3: ", midFile);
        Assert.Contains("'{' is never closed", midFile);
        var nested = SyntaxError("collect:\n  sets: [a, {b: 1]\n");
        Assert.StartsWith("my-params.yaml line 2: ", nested);
        Assert.Contains("'{' is never closed", nested);
    }

    [Fact]
    public void OtherSyntaxErrorsInsideBracketsAreNotBlamedOnTheBracket()
    {
        // The unclosed quote is the fault, though the '[' around it is never closed either.
        var e = SyntaxError("collect:\n  size: 10\n  sets: [a, \"b]\n  name: demo\n");
        Assert.StartsWith("my-params.yaml line 3: not valid YAML: ", e);
        Assert.Contains("quoted scalar", e);
        Assert.DoesNotContain("never closed", e);
    }

    [Theory]
    [InlineData("collect:\n  size: 10\n\tname: demo\n", 3)]      // YamlDotNet says line 2
    [InlineData("collect:\n  inner:\n\t  size: 10\n", 3)]        // YamlDotNet says line 1
    [InlineData("a: 1\nb: 2\ncollect:\n\tsize: 10\n", 4)]
    public void ATabInTheIndentationNamesItsLine(string yaml, int line)
    {
        var e = SyntaxError(yaml);
        Assert.StartsWith($"my-params.yaml line {line}: ", e);
        Assert.Contains("tab", e);
    }

    [Fact]
    public void ASetValueWithAnUnclosedBracketIsAnErrorNotACrash()
    {
        var list = Assert.Throws<ParamsException>(() => Load(null, "collect.sets=[a, b")).Message;
        Assert.StartsWith("--set collect.sets=[a, b: ", list);
        Assert.Contains("'[' is never closed", list);
        var map = Assert.Throws<ParamsException>(() => Load(null, "collect.sets={a: 1")).Message;
        Assert.Contains("'{' is never closed", map);
    }

    [Fact]
    public void AListAsAKeyIsAnErrorNotACrash()
    {
        Assert.StartsWith("my-params.yaml line 2: a key must be a name", SyntaxError("collect:\n  [a, b]: 1\n"));
    }

    [Fact]
    public void TheShippedParamsFileLoadsInEveryProfile()
    {
        var path = Path.Combine(Support.RepoPaths.Root, "params.yaml");
        foreach (var profile in new[] { "default", "paper" })
        {
            var p = ParamsLoader.Load(path, profile);
            Assert.Equal(0.6, p.Get("collect.reference_tfidf_threshold").AsDouble());
            Assert.Equal(10, p.Get("select.required_score").AsInt());
        }
        var paper = ParamsLoader.Load(path, "paper");
        Assert.Equal("paper", paper.Get("collect.corpus").AsString());
        Assert.Equal(1000, paper.Get("select.size").AsInt());
        Assert.Equal("deepseek", paper.Get("reason.provider").AsString());
        Assert.Equal("DEEPSEEK_API_KEY", paper.Get("llm.providers.deepseek.key_env").AsString());
        Assert.Equal("offline", ParamsLoader.Load(path, "default").Get("reason.provider").AsString());
    }
}
