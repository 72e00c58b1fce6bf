using Star1.Pipeline.Params;

namespace Star1.Pipeline.Tests;

/// <summary>
/// How params values are typed, spelled canonically and overridden, case by case: the fingerprint of every
/// stage is built from this, so a typing slip would silently re-run (or silently not re-run) stages.
/// </summary>
public sealed class ParamsDetailTests
{
    private const string Yaml = """
        run:
          name: demo
          count: 3
          ratio: 0.5
          on: true
          none: ~
          tags: [a, b]
          nested:
            deep: 1
        other: x
        profiles:
          small:
            run:
              count: 1
              nested:
                deep: 2
          flat: 3
        """;

    private static EffectiveParams Load(string? profile = null, params string[] sets) => ParamsLoader.Parse(Yaml, "params.yaml", profile, sets);

    private static string Error(Func<object> load) => Assert.Throws<ParamsException>(load).Message;

    [Theory]
    [InlineData("", ParamKind.Null)]
    [InlineData("~", ParamKind.Null)]
    [InlineData("null", ParamKind.Null)]
    [InlineData("NULL", ParamKind.Null)]
    [InlineData("True", ParamKind.Bool)]
    [InlineData("FALSE", ParamKind.Bool)]
    [InlineData("-12", ParamKind.Int)]
    [InlineData("+7", ParamKind.Int)]
    [InlineData("1.5e3", ParamKind.Float)]
    [InlineData(".5", ParamKind.Float)]
    [InlineData("3.", ParamKind.Float)]
    [InlineData("-2E-2", ParamKind.Float)]
    [InlineData("1.2.3", ParamKind.String)]
    [InlineData("e3", ParamKind.String)]
    [InlineData("yes", ParamKind.String)]
    [InlineData("12a", ParamKind.String)]
    [InlineData("'7'", ParamKind.String)]
    [InlineData("\"true\"", ParamKind.String)]
    public void PlainScalarsAreTypedByTheCoreSchemaAndQuotedOnesAreText(string text, ParamKind kind) =>
        Assert.Equal(kind, ParamsLoader.Parse($"v: {text}\n", "p.yaml").Get("v").Kind);

    [Fact]
    public void CanonicalJsonSortsKeysAndNormalisesSpelling()
    {
        var p = ParamsLoader.Parse("m:\n  b: True\n  a: [1, 2.50, x, ~]\n  c: '3'\n", "p.yaml");
        Assert.Equal("{\"a\":[1,2.5,\"x\",null],\"b\":true,\"c\":\"3\"}", p.Canonical("m"));
        Assert.Null(p.Canonical("m.zz"));
        Assert.Null(p.Canonical("m.b.deeper"));
        // A whole number set on a number key keeps the number kind, so 1 and 1.0 hash alike.
        Assert.Equal(Load(null, "run.ratio=1").Canonical("run.ratio"), ParamsLoader.Parse("r: 1.0\n", "p.yaml").Canonical("r"));
        Assert.Equal(ParamKind.Float, Load(null, "run.ratio=1").Get("run.ratio").Kind);
    }

    [Fact]
    public void ValuesReadAsTheirKindAndRefuseOtherKinds()
    {
        var p = Load();
        Assert.Equal("demo", p.Get("run.name").AsString());
        Assert.Equal(3, p.Get("run.count").AsInt());
        Assert.Equal(3.0, p.Get("run.count").AsDouble());
        Assert.Equal(0.5, p.Get("run.ratio").AsDouble());
        Assert.True(p.Get("run.on").AsBool());
        Assert.False(Load(null, "run.on=false").Get("run.on").AsBool());
        Assert.Equal("", p.Get("run.none").AsString());
        Assert.Equal(["a", "b"], p.Get("run.tags").Items.Select(i => i.AsString()));
        Assert.Equal(["name", "count", "ratio", "on", "none", "tags", "nested"], p.Get("run").Keys);

        Assert.Equal("params.yaml line 2: expected a whole number, found the text 'demo'", Error(() => p.Get("run.name").AsInt()));
        Assert.Equal("params.yaml line 2: expected a number, found the text 'demo'", Error(() => p.Get("run.name").AsDouble()));
        Assert.Equal("params.yaml line 3: expected true or false, found int 3", Error(() => p.Get("run.count").AsBool()));
        Assert.Equal("params.yaml line 7: expected a text value, found a list", Error(() => p.Get("run.tags").AsString()));
        Assert.Equal("params.yaml line 9: expected a whole number, found a group of keys", Error(() => p.Get("run.nested").AsInt()));
        Assert.Equal("params.yaml line 6: expected true or false, found nothing (null)", Error(() => p.Get("run.none").AsBool()));
        Assert.Equal("params.yaml line 4: expected a whole number, found float 0.5", Error(() => p.Get("run.ratio").AsInt()));
        Assert.Equal("params.yaml has no key 'run.missing'", Error(() => p.Get("run.missing")));
    }

    [Fact]
    public void ProfilesMergeNestedGroupsKeyByKey()
    {
        var p = Load("small");
        Assert.Equal(1, p.Get("run.count").AsInt());
        Assert.Equal(2, p.Get("run.nested.deep").AsInt());
        Assert.Equal("demo", p.Get("run.name").AsString());
        Assert.Equal("small", p.Profile);
        Assert.Equal(["profile small"], p.Overrides);
        // The base is not changed by a profile: loading the default again sees the base values.
        Assert.Equal(3, Load().Get("run.count").AsInt());
        Assert.Equal("default", Load("").Profile);
        Assert.Empty(Load(ParamsLoader.DefaultProfile).Overrides);
    }

    [Fact]
    public void SetTakesQuotedTextFlowListsAndPlainText()
    {
        Assert.Equal("7", Load(null, "run.name=\"7\"").Get("run.name").AsString());
        Assert.Equal("a b", Load(null, "run.name='a b'").Get("run.name").AsString());
        Assert.Equal("?", Load(null, "run.name=?").Get("run.name").AsString());
        Assert.Equal("k: v", Load(null, "run.name=k: v").Get("run.name").AsString());
        Assert.Equal("[\"x\",\"y\",\"z\"]", Load(null, "run.tags=[x, y, z]").Canonical("run.tags"));
        Assert.Equal("{\"deep\":5}", Load(null, "run.nested={deep: 5}").Canonical("run.nested"));
        Assert.Equal(9, Load(null, " run.count = 9 ").Get("run.count").AsInt());
        // A key whose base value is null takes any kind.
        Assert.Equal(4, Load(null, "run.none=4").Get("run.none").AsInt());
        Assert.Equal("--set run.count=2", Assert.Single(Load(null, "run.count=2").Overrides));
    }

    [Fact]
    public void BadOverridesNameWhereAndWhat()
    {
        Assert.Equal("--set run.count.x=1: unknown key 'run.count' (not in params.yaml); keys here are: name, count, ratio, on, none, tags, nested",
            Error(() => Load(null, "run.count.x=1")));
        Assert.Equal("--set =1: expected key.path=value", Error(() => Load(null, "=1")));
        Assert.StartsWith("--set run.tags=[a, b: not valid YAML: ", Error(() => Load(null, "run.tags=[a, b")));
        Assert.Equal("--set run.on=yes: 'run.on' expects true or false (as at params.yaml line 5), found the text 'yes'", Error(() => Load(null, "run.on=yes")));
        Assert.Equal("--set run.count=1.5: 'run.count' expects a whole number (as at params.yaml line 3), found float 1.5", Error(() => Load(null, "run.count=1.5")));
        Assert.Equal("--set run.tags={a: 1}: 'run.tags' expects a list (as at params.yaml line 7), found a group of keys", Error(() => Load(null, "run.tags={a: 1}")));
        Assert.Equal("--set run.name=[1]: 'run.name' expects text (as at params.yaml line 2), found a list", Error(() => Load(null, "run.name=[1]")));
        Assert.Equal("params.yaml line 5: 'm' must be a group of keys, found int 3", Error(() => ParamsLoader.Parse("m:\n  a: 1\nprofiles:\n  p:\n    m: 3\n", "params.yaml", "p")));
    }

    [Fact]
    public void BadFilesAndProfilesNameTheLine()
    {
        Assert.Equal("params.yaml: the top level must be a group of keys", Error(() => ParamsLoader.Parse("- a\n- b\n", "params.yaml")));
        Assert.Equal("params.yaml line 2: key 'bad key' must be letters, digits, '_' or '-'", Error(() => ParamsLoader.Parse("a: 1\nbad key: 2\n", "params.yaml")));
        Assert.Equal("params.yaml line 17: profile 'flat' must be a group of keys", Error(() => Load("flat")));
        Assert.Equal("params.yaml: no profile 'x' under 'profiles'; profiles are: default", Error(() => ParamsLoader.Parse("a: 1\n", "params.yaml", "x")));
        Assert.Equal("params.yaml line 14: profiles.small sets unknown key 'run.countt'; keys here are: name, count, ratio, on, none, tags, nested",
            Error(() => ParamsLoader.Parse(Yaml.Replace("      count: 1", "      countt: 1"), "params.yaml", "small")));
        var missing = Path.Combine(Path.GetTempPath(), "star1-nope-" + Guid.NewGuid().ToString("N"), "params.yaml");
        Assert.Equal($"{missing}: file not found", Error(() => ParamsLoader.Load(missing)));
        Assert.Empty(ParamsLoader.Parse("", "params.yaml").Root.Keys);
    }
}
