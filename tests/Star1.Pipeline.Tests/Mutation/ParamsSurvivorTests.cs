using Star1.Pipeline.Params;

namespace Star1.Pipeline.Tests.Mutation;

/// <summary>
/// The whole error message for each kind of broken params file a user can write: which line it names and
/// what it says (YamlDotNet's own position prefix dropped), so a slip in any branch of the description shows.
/// </summary>
public sealed class ParamsMessageSurvivorTests
{
    private static string SyntaxError(string yaml) =>
        Assert.Throws<ParamsException>(() => ParamsLoader.Parse(yaml, "my-params.yaml")).Message;

    private static string SetError(string set) =>
        Assert.Throws<ParamsException>(() => ParamsLoader.Parse("collect:\n  sets: [a]\n  ratio: 0.5\n", "params.yaml", null, [set])).Message;

    [Fact]
    public void AYamlDotNetMessageIsQuotedWhole()
    {
        Assert.Equal("my-params.yaml line 2: not valid YAML: Duplicate key a", SyntaxError("a: 1\na: 2\n"));
        // A key that looks like a position prefix ("...): ") is quoted whole, not cut after it.
        Assert.Equal("my-params.yaml line 2: not valid YAML: Duplicate key (Line: 1): x", SyntaxError("'(Line: 1): x': 1\n'(Line: 1): x': 2\n"));
    }

    [Fact]
    public void AnUnclosedBracketOnTheLastLineSaysWhereTheParserStopped()
    {
        Assert.Equal(
            "my-params.yaml line 3: not valid YAML: '[' is never closed (the parser stopped at line 4: While parsing a flow sequence, did not find expected ',' or ']'.)",
            SyntaxError("collect:\n  size: 10\n  sets: [a, b\n"));
        // The bracket is the last thing in the file: YamlDotNet's complaint is about the missing node, at the end.
        Assert.Equal(
            "my-params.yaml line 1: not valid YAML: '[' is never closed (the parser stopped at line 2: While parsing a node, did not find expected node content.)",
            SyntaxError("a: ["));
    }

    [Fact]
    public void AnUnclosedBracketThatRunsOnHasNoParserPosition()
    {
        // YamlDotNet gives up with no position here: only the bracket's line is known.
        Assert.Equal("my-params.yaml line 3: not valid YAML: '[' is never closed", SyntaxError("collect:\n  size: 10\n  sets: [a, b\n  name: demo\n"));
    }

    [Fact]
    public void ASetValueWithAnUnclosedBracketNamesNoLines()
    {
        Assert.Equal("--set collect.sets=[a, b: not valid YAML: '[' is never closed", SetError("collect.sets=[a, b"));
    }

    [Fact]
    public void TextThatEndsInsideAValueSaysSo()
    {
        Assert.Equal("my-params.yaml line 2: not valid YAML: the text ends inside an unfinished value", SyntaxError("? : 1\n"));
    }

    [Fact]
    public void AnUnclosedQuoteIsTheFaultWhenNoBracketIsOpen()
    {
        const string quote = "not valid YAML: While scanning a quoted scalar, found unexpected end of stream.";
        Assert.Equal($"my-params.yaml line 1: {quote}", SyntaxError("a: 'unclosed"));
        Assert.Equal($"my-params.yaml line 2: {quote}", SyntaxError("collect:\n  name: 'unclosed\n"));
    }

    [Fact]
    public void ABracketClosedEarlierIsNotBlamedForTextThatEndsTooSoon()
    {
        Assert.Equal("my-params.yaml line 3: not valid YAML: the text ends inside an unfinished value", SyntaxError("a: [1, 2]\n? : 1\n"));
    }

    [Fact]
    public void ATabInsideABlockTextIsNotBlamedForAnotherError()
    {
        Assert.Equal("my-params.yaml line 5: not valid YAML: Duplicate key x", SyntaxError("note: |\n  one\n  \ttwo\nx: 1\nx: 2\n"));
    }

    [Fact]
    public void ATabIndentedLineIsNamedNotOneAboveIt()
    {
        const string tab = "not valid YAML: a tab in the indentation (YAML indents with spaces only)";
        Assert.Equal($"my-params.yaml line 2: {tab}", SyntaxError("a:\n\tb: 1\n"));
        // A tab inside a block text higher up is legal and not the one named.
        Assert.Equal($"my-params.yaml line 5: {tab}", SyntaxError("note: |\n  \tone\nx:\n  y: 1\n\tz: 2\n"));
    }

    [Fact]
    public void AKeyThatIsNotANameSaysWhatItIs()
    {
        Assert.Equal("my-params.yaml line 1: a key must be a name, found a list", SyntaxError("[a]: 2\n"));
        Assert.Equal("my-params.yaml line 1: a key must be a name, found a group of keys", SyntaxError("{a: 1}: 2\n"));
    }

    [Fact]
    public void ANumberKeyOverriddenWithAListSaysItExpectsANumber()
    {
        Assert.Equal("--set collect.ratio=[1]: 'collect.ratio' expects a number (as at params.yaml line 3), found a list", SetError("collect.ratio=[1]"));
    }
}

/// <summary>The tab-finding the messages above rely on, at the edges: the first line, none at all, a tab above.</summary>
public sealed class FirstTabIndentedLineTests
{
    [Theory]
    [InlineData("a:\n\tb: 1\n", 2, 2)]              // the reported line itself
    [InlineData("a:\n\tb: 1\n", 1, 2)]              // reported above it
    [InlineData("\ta: 1\nb: 2\nc: 3\n", 3, 1)]      // reported below it, none after: the first one in the file
    [InlineData("x: |\n  \tt\ny: 1\n\tz: 2\n", 4, 4)] // one higher up does not count when there is one at or after
    [InlineData("a: 1\nb: 2\n", 1, null)]           // none at all
    [InlineData("a: 1\nb: 2\n", 2, null)]
    public void FindsTheFirstAtOrAfterTheLineElseTheFirstInTheFile(string text, int from, int? expected)
    {
        Assert.Equal(expected, YamlSyntaxReader.FirstTabIndentedLine(text, from));
    }
}

/// <summary>What a stage sees of a params value's shape through the public node API.</summary>
public sealed class ParamNodeShapeTests
{
    private static readonly EffectiveParams Params = ParamsLoader.Parse("run:\n  name: demo\n  tags: [a, b]\n  none: ~\n", "params.yaml");

    [Fact]
    public void OnlyTextNumbersFlagsAndNullAreScalars()
    {
        Assert.True(Params.Get("run.name").IsScalar);
        Assert.True(Params.Get("run.none").IsScalar);
        Assert.False(Params.Get("run.tags").IsScalar);
        Assert.False(Params.Get("run").IsScalar);
    }

    [Fact]
    public void AValueThatIsNotAListHasNoItems()
    {
        Assert.Empty(Params.Get("run.name").Items);
        Assert.Empty(Params.Get("run").Items);
        Assert.Equal(2, Params.Get("run.tags").Items.Count);
    }
}
