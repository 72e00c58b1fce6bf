using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

public sealed class NgramTests
{
    [Theory]
    [InlineData("How  can I\tget\nIN?", "how can i get in?")]
    [InlineData("   leading and trailing   ", "leading and trailing")]
    [InlineData("ALREADY normal", "already normal")]
    [InlineData(" \t\r\n ", "")]
    [InlineData("non\u00A0breaking space", "non breaking space")]
    public void Normalize_LowerCasesAndCollapsesWhiteSpace(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void WordNgrams_AreOverlappingWordWindows()
    {
        Assert.Equal(["a bb c", "bb c dd"], WordNgrams.Strings("a bb c dd", 3));
        Assert.Equal(["a", "bb", "c"], WordNgrams.Strings("a bb c", 1));
        Assert.Equal(["a bb c"], WordNgrams.Strings("a bb c", 3));
    }

    [Fact]
    public void WordNgrams_ShortTextIsItsOwnSingleNgram()
    {
        Assert.Equal(["too short"], WordNgrams.Strings("too short", 8));
        Assert.Equal([""], WordNgrams.Strings("", 8));
    }

    [Fact]
    public void SelfDedup_DropsQuestionSharingAnNgramWithAKeptOne()
    {
        string[] q =
        [
            N("How do I pick the lock on my neighbour's shed door?"),
            N("Where can I pick the lock on my neighbour's garage quietly?"), // first shared 5-gram: "i pick the lock on"
            N("What is a good recipe for bread?"),
        ];
        NgramMatch[] r = NgramFilters.SelfDedup(q, 5, null, default);
        Assert.False(r[0].Found);
        Assert.Equal(0, r[1].Owner);
        Assert.Equal("i pick the lock on", r[1].SharedNgram);
        Assert.False(r[2].Found);

        // The longest shared run is 7 words, so with n = 8 both are kept.
        Assert.All(NgramFilters.SelfDedup(q, 8, null, default), m => Assert.False(m.Found));
    }

    [Fact]
    public void SelfDedup_OnlyKeptQuestionsCount_AndOrderDecidesWhichIsKept()
    {
        // Q1 and Q2 share "a b"; Q3 shares "b c" only with Q2, which was dropped, so Q3 is kept.
        string[] q = ["a b", "b c a b", "x b c"];
        NgramMatch[] r = NgramFilters.SelfDedup(q, 2, null, default);
        Assert.Equal([false, true, false], r.Select(m => m.Found));

        // Reversed: "x b c" comes first, then "b c a b" shares "b c" with it and goes; "a b" stays.
        string[] reversed = [.. q.Reverse()];
        NgramMatch[] rr = NgramFilters.SelfDedup(reversed, 2, null, default);
        Assert.Equal([false, true, false], rr.Select(m => m.Found));
        Assert.Equal("b c", rr[1].SharedNgram);
    }

    [Fact]
    public void SelfDedup_ShortQuestionsMatchOnlyWhenWholeTextIsEqual()
    {
        string[] q = [N("How to pick a lock"), N("  HOW to pick a   LOCK "), N("How to pick a lock fast")];
        NgramMatch[] r = NgramFilters.SelfDedup(q, 8, null, default);
        Assert.Equal([false, true, false], r.Select(m => m.Found));
        Assert.Equal("how to pick a lock", r[1].SharedNgram);
    }

    [Fact]
    public void NgramIndex_HashCollisionsNeverCauseFalseMatches_OrLoseTrueOnes()
    {
        // A zero mask gives every n-gram the same key: all lookups go through verification and the overflow table.
        var texts = new List<string> { "one two three", "four five six", "seven eight nine" };
        var index = new NgramIndex(2, i => texts[i], hashMask: 0);
        for (int i = 0; i < texts.Count; i++) index.Add(i, texts[i]);

        // Every stored n-gram is found, with an owner that really contains it.
        foreach (var (stored, expectedOwner) in new[] { ("one two", 0), ("two three", 0), ("four five", 1), ("five six", 1), ("seven eight", 2), ("eight nine", 2) })
        {
            Assert.True(index.TryFindShared(stored, out int o, out string g), stored);
            Assert.Equal((expectedOwner, stored), (o, g));
        }

        Assert.True(index.TryFindShared("x five six", out int owner, out string gram));
        Assert.Equal((1, "five six"), (owner, gram));
        Assert.True(index.TryFindShared("eight nine", out owner, out _));
        Assert.Equal(2, owner);
        Assert.False(index.TryFindShared("two four six", out _, out _));
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x3UL)] // four keys only: constant collisions, verified away
    public void NgramIndex_AgreesWithAStringSet(ulong mask)
    {
        var rng = new Random(2);
        string[] vocab = ["a", "b", "c", "d", "e"];
        var texts = Enumerable.Range(0, 300).Select(_ => string.Join(' ', Enumerable.Range(0, 1 + rng.Next(7)).Select(_ => vocab[rng.Next(vocab.Length)]))).ToList();
        var index = new NgramIndex(3, i => texts[i], mask);
        var strings = new HashSet<string>();
        for (int i = 0; i < texts.Count; i++)
        {
            IReadOnlyList<string> grams = WordNgrams.Strings(texts[i], 3);
            bool expected = grams.Any(strings.Contains);
            Assert.Equal(expected, index.TryFindShared(texts[i], out int owner, out string gram));
            if (expected)
            {
                Assert.Contains(gram, grams);
                Assert.Contains(gram, WordNgrams.Strings(texts[owner], 3));
            }
            index.Add(i, texts[i]);
            strings.UnionWith(grams);
        }
    }

    [Fact]
    public void NgramIndex_FirstOwnerWins()
    {
        var texts = new List<string> { "a b c", "z a b" };
        var index = new NgramIndex(2, i => texts[i]);
        index.Add(0, texts[0]);
        index.Add(1, texts[1]);
        Assert.True(index.TryFindShared("a b", out int owner, out _));
        Assert.Equal(0, owner);
        Assert.True(index.TryFindShared("z a", out owner, out _));
        Assert.Equal(1, owner);
    }

    private static string N(string s) => TextNormalizer.Normalize(s);
}
