using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

public sealed class TfidfTests
{
    [Fact]
    public void Tokenizer_FollowsSklearnDefaultPattern()
    {
        // Lower-cased; runs of 2+ word characters; apostrophes and hyphens split; one-letter tokens vanish;
        // digits and underscores are word characters.
        Assert.Equal(["it", "well", "known", "mail", "x_y", "42", "café"],
            TfidfTokenizer.Tokens("It's a well-known E-mail: x_y 42 Café!"));
        Assert.Empty(TfidfTokenizer.Tokens("a b c ? !"));
    }

    [Fact]
    public void Tokenizer_UsesPythonWordCharactersBeyondAscii()
    {
        // Superscript two is a number (a word char in Python); a combining accent is not, so it splits
        // "e\u0301t\u00e9" into "e" (too short) and "té"; mathematical bold letters are surrogate pairs that
        // count as one character each.
        Assert.Equal(["x²"], TfidfTokenizer.Tokens("x² +"));
        Assert.Equal(["té"], TfidfTokenizer.Tokens("e\u0301té"));
        Assert.Equal(["\U0001D400\U0001D401"], TfidfTokenizer.Tokens("\U0001D400\U0001D401 \U0001D402"));
        Assert.Equal(["naïve", "straße"], TfidfTokenizer.Tokens("NAÏVE Straße"));
    }

    [Fact]
    public void Weights_MatchHandComputedSklearnValues()
    {
        // Three documents; df: apple 2, banana 2, cherry 1, date 1; n = 3.
        var terms = new TermDictionary();
        TermBag[] docs = [terms.Bag("apple banana"), terms.Bag("apple cherry cherry"), terms.Bag("banana date")];
        TfidfModel model = TfidfModel.Fit(docs, terms.Count);

        double idfCommon = Math.Log(4.0 / 3.0) + 1; // df = 2: ln((1+3)/(1+2)) + 1
        double idfRare = Math.Log(4.0 / 2.0) + 1;   // df = 1: ln((1+3)/(1+1)) + 1
        Assert.Equal(idfCommon, model.Idf(Id(terms, "apple")), 15);
        Assert.Equal(idfRare, model.Idf(Id(terms, "cherry")), 15);

        // Document 2: apple once, cherry twice, then L2-normalised.
        SparseVector v = model.Transform(docs[1]);
        double a = idfCommon, c = 2 * idfRare, norm = Math.Sqrt(a * a + c * c);
        Assert.Equal(a / norm, WeightOf(v, Id(terms, "apple")), 15);
        Assert.Equal(c / norm, WeightOf(v, Id(terms, "cherry")), 15);

        // Documents 1 and 3 share only "banana": cosine = product of their banana weights.
        double w1 = idfCommon / Math.Sqrt(2 * idfCommon * idfCommon);
        double w3 = idfCommon / Math.Sqrt(idfCommon * idfCommon + idfRare * idfRare);
        Assert.Equal(w1 * w3, SparseVector.Dot(model.Transform(docs[0]), model.Transform(docs[2])), 15);

        // The test's dense reference agrees with the same hand values (it is what the big equivalence test trusts).
        double[,] dense = DenseReferenceFunnel.TfidfMatrix(["apple banana", "apple cherry cherry", "banana date"], out string[] vocab);
        Assert.Equal(c / norm, dense[1, Array.IndexOf(vocab, "cherry")], 15);
    }

    [Fact]
    public void DocumentWithoutTokens_HasZeroVector_AndNeverMatches()
    {
        var terms = new TermDictionary();
        TermBag[] reference = [terms.Bag("? !"), terms.Bag("a b c")];
        TermBag[] candidates = [terms.Bag("- -")];
        TfidfMatch[] r = TfidfFilters.AgainstReference(reference, candidates, terms.Count, 0.01, null, default);
        Assert.False(r[0].Found);
    }

    [Fact]
    public void ReferenceFilter_ThresholdIsInclusive()
    {
        var terms = new TermDictionary();
        TermBag[] reference = [terms.Bag("steal a car from a parking lot"), terms.Bag("bake bread at home")];
        TermBag[] candidates = [terms.Bag("steal a bike from a parking garage")];
        double score = TfidfFilters.AgainstReference(reference, candidates, terms.Count, 1e-9, null, default)[0].Score;
        Assert.InRange(score, 0.1, 0.99);

        TfidfMatch atScore = TfidfFilters.AgainstReference(reference, candidates, terms.Count, score, null, default)[0];
        Assert.Equal((0, score), (atScore.Doc, atScore.Score));
        Assert.False(TfidfFilters.AgainstReference(reference, candidates, terms.Count, Math.BitIncrement(score), null, default)[0].Found);
    }

    [Fact]
    public void ReferenceFilter_FitsOnReferencePlusCandidates()
    {
        // The idf comes from reference + candidates together, so the candidate's own words count in df.
        string[] refTexts = ["steal a car from a parking lot", "bake bread at home"];
        string[] candTexts = ["steal a bike from a parking garage", "parking garage tips", "parking garage prices"];
        var terms = new TermDictionary();
        TermBag[] reference = refTexts.Select(terms.Bag).ToArray();
        TermBag[] candidates = candTexts.Select(terms.Bag).ToArray();
        double score = TfidfFilters.AgainstReference(reference, candidates, terms.Count, 1e-9, null, default)[0].Score;

        double[,] m = DenseReferenceFunnel.TfidfMatrix([.. refTexts, .. candTexts]);
        double expected = DenseReferenceFunnel.Similarities(m, 2, 3, 0, 1)[0, 0];
        Assert.Equal(expected, score, 14);
    }

    [Fact]
    public void GreedySelf_ComparesOnlyWithKeptDocuments()
    {
        // B is near A (dropped); C is near B but not near A, so C survives because B was dropped.
        var terms = new TermDictionary();
        string[] texts = ["alpha beta gamma delta", "alpha beta gamma epsilon zeta", "gamma epsilon zeta eta", "theta iota"];
        TermBag[] docs = texts.Select(terms.Bag).ToArray();
        double[,] m = DenseReferenceFunnel.TfidfMatrix(texts);
        double[,] sim = DenseReferenceFunnel.Similarities(m, 0, 4, 0, 4);
        double t = 0.5;
        Assert.True(sim[1, 0] >= t && sim[2, 1] >= t && sim[2, 0] < t, "fixture no longer has the A~B~C chain");

        TfidfMatch[] r = TfidfFilters.GreedySelf(docs, terms.Count, t, null, default);
        Assert.Equal([false, true, false, false], r.Select(x => x.Found));
        Assert.Equal(0, r[1].Doc);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(0.9)]
    public void CosineIndex_FindsExactlyWhatBruteForceFinds(double threshold)
    {
        // Random sparse unit vectors with Zipf-like term frequencies: the common terms fall into the
        // unindexed prefix, so this checks the prefix bound never hides a match.
        var rng = new Random(11);
        int vocab = 300;
        SparseVector Make()
        {
            var counts = new SortedDictionary<int, double>();
            int len = 2 + rng.Next(12);
            for (int i = 0; i < len; i++)
            {
                int t = (int)Math.Min(vocab - 1, Math.Floor(Math.Pow(vocab, rng.NextDouble())) - 1);
                counts[t] = counts.GetValueOrDefault(t) + 0.5 + rng.NextDouble();
            }
            double norm = Math.Sqrt(counts.Values.Sum(x => x * x));
            return new SparseVector(counts.Keys.ToArray(), counts.Values.Select(x => x / norm).ToArray());
        }
        var docs = Enumerable.Range(0, 400).Select(_ => Make()).ToList();
        // Near copies so that the high thresholds see matches too.
        for (int i = 0; i < 100; i++)
        {
            SparseVector src = docs[rng.Next(docs.Count)];
            double[] w = src.Weights.Select(x => x * (0.8 + 0.4 * rng.NextDouble())).ToArray();
            double norm = Math.Sqrt(w.Sum(x => x * x));
            docs.Add(new SparseVector(src.Terms, w.Select(x => x / norm).ToArray()));
        }
        int[] rank = Enumerable.Range(0, vocab).ToArray(); // low ids are the common ones
        var index = new CosineIndex(threshold, rank);
        foreach (SparseVector d in docs.Take(250)) index.Add(d);
        Assert.True(index.PostedTerms < docs.Take(250).Sum(d => (long)d.Terms.Length), "the prefix bound posted every term");

        int matches = 0;
        foreach (SparseVector q in docs.Skip(250))
        {
            int bruteId = -1;
            double bruteScore = double.NegativeInfinity;
            for (int j = 0; j < 250; j++)
            {
                double s = SparseVector.Dot(q, docs[j]);
                if (s >= threshold && s > bruteScore) { bruteScore = s; bruteId = j; }
            }
            bool found = index.TryFindBest(q, out int id, out double score);
            Assert.Equal(bruteId >= 0, found);
            if (found) { matches++; Assert.Equal((bruteId, bruteScore), (id, score)); }
        }
        Assert.True(matches > 0);
        // The accumulate-and-bound step must score far fewer pairs exactly than brute force does.
        Assert.True(index.ExactScores < 250L * 250 / 4, $"{index.ExactScores} exact scores for 250 queries");
    }

    [Fact]
    public void CosineIndex_RejectsThresholdsTheBoundCannotHonour()
    {
        foreach (double bad in new[] { 0, 1.5 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CosineIndex(bad, [0]));
            Assert.Equal(("threshold", (object)bad), (e.ParamName, e.ActualValue));
            Assert.StartsWith("The cosine threshold must be in (0, 1].", e.Message);
        }
    }

    private static int Id(TermDictionary terms, string term) =>
        terms.TryGetId(term, out int id) ? id : throw new KeyNotFoundException(term);

    private static double WeightOf(SparseVector v, int term) => v.Weights[Array.IndexOf(v.Terms, term)];
}
