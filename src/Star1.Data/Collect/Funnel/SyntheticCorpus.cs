using System.Text;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Generates a reproducible synthetic corpus for the funnel's equivalence tests and benchmark: pseudo-word
/// questions with Zipf-distributed word frequencies (so a few words are in almost every question, as "how"
/// and "to" are in real data), plus planted near-duplicates of the kinds each funnel step exists to catch.
/// Not real data, and not meant to look like it beyond those statistics.
/// </summary>
internal static class SyntheticCorpus
{
    /// <summary>What a planted question copies and how it disguises the copy.</summary>
    internal enum Plant
    {
        Fresh,
        /// <summary>An earlier question of the same source, unchanged apart from case and spacing (step 1).</summary>
        ExactDuplicate,
        /// <summary>An earlier question of the same source with its last word replaced: shares n-grams (step 1).</summary>
        EditedDuplicate,
        /// <summary>A test or earlier-source question with its first word replaced: shares 8-grams (step 2).</summary>
        ReferenceEdit,
        /// <summary>A test or earlier-source question, words shuffled and one replaced: same terms, no n-grams (step 3).</summary>
        ReferenceShuffle,
        /// <summary>An earlier question of the same source, words shuffled and one replaced (step 4).</summary>
        SelfShuffle,
        /// <summary>An earlier question of any source with every long word pluralised: no shared terms, similar spelling (step 5).</summary>
        SelfRespelled,
        /// <summary>A test question with every long word pluralised (step 6).</summary>
        TestRespelled,
    }

    // Short openers, as in real requests; all shorter than the smallest self n (5), so sharing an opener alone
    // never makes two questions n-gram duplicates.
    private static readonly string[] Openers =
    [
        "how do i", "how can i", "explain how to", "tell me how to", "help me", "what is the way to",
    ];

    /// <summary>
    /// <paramref name="trainingQuestions"/> questions split evenly over <paramref name="sourceCount"/> sources
    /// (self n-gram n cycling 8, 7, 6, 5 as in the paper's table), and one test set of
    /// <paramref name="testQuestions"/> questions. <paramref name="plantRate"/> is the share of training
    /// questions that are planted copies, spread evenly over the seven kinds.
    /// </summary>
    public static (IReadOnlyList<LoadedSource> Sources, IReadOnlyList<LoadedTestSet> TestSets) Generate(
        int trainingQuestions, int testQuestions, int sourceCount = 4, int vocabulary = 3000, int seed = 20250401,
        double plantRate = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainingQuestions);
        ArgumentOutOfRangeException.ThrowIfNegative(testQuestions);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabulary, 50);
        if (!(plantRate >= 0 && plantRate <= 1)) throw new ArgumentOutOfRangeException(nameof(plantRate), plantRate, "Must be in [0, 1].");

        var rng = new Random(seed);
        string[] words = MakeWords(vocabulary, rng);
        double[] cumulative = ZipfCumulative(vocabulary, exponent: 1.0);

        var tests = new List<string>(testQuestions);
        for (int i = 0; i < testQuestions; i++) tests.Add(Fresh(rng, words, cumulative));

        var earlierSources = new List<string>();
        var sources = new List<LoadedSource>();
        int[] nCycle = [8, 7, 6, 5];
        for (int s = 0; s < sourceCount; s++)
        {
            int count = trainingQuestions / sourceCount + (s < trainingQuestions % sourceCount ? 1 : 0);
            string name = $"Synthetic{s + 1}";
            var own = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                Plant kind = rng.NextDouble() < plantRate ? (Plant)(1 + rng.Next(7)) : Plant.Fresh;
                own.Add(MakeQuestion(kind, rng, words, cumulative, own, tests, earlierSources));
            }
            sources.Add(new LoadedSource(name, nCycle[s % nCycle.Length],
                own.Select(q => new RawQuestion(q, name, null)).ToArray()));
            earlierSources.AddRange(own);
        }
        return (sources, [new LoadedTestSet("SyntheticTest", tests)]);
    }

    private static string MakeQuestion(Plant kind, Random rng, string[] words, double[] cumulative,
        List<string> own, List<string> tests, List<string> earlierSources)
    {
        string PickOwn() => own[rng.Next(own.Count)];
        string PickReference() => earlierSources.Count > 0 && rng.Next(2) == 0
            ? earlierSources[rng.Next(earlierSources.Count)]
            : tests[rng.Next(tests.Count)];
        string Word() => words[Sample(rng, cumulative)];

        bool haveOwn = own.Count > 0, haveRef = tests.Count > 0 || earlierSources.Count > 0;
        switch (kind)
        {
            case Plant.ExactDuplicate when haveOwn:
                return "  " + PickOwn().ToUpperInvariant() + " ";
            case Plant.EditedDuplicate when haveOwn:
                return ReplaceWord(PickOwn(), last: true, Word());
            case Plant.ReferenceEdit when haveRef:
                return ReplaceWord(PickReference(), last: false, Word());
            case Plant.ReferenceShuffle when haveRef:
                return ShuffleAndReplace(PickReference(), rng, Word());
            case Plant.SelfShuffle when haveOwn:
                return ShuffleAndReplace(PickOwn(), rng, Word());
            case Plant.SelfRespelled when haveOwn || earlierSources.Count > 0:
                return Respell(haveOwn && (earlierSources.Count == 0 || rng.Next(2) == 0) ? PickOwn() : earlierSources[rng.Next(earlierSources.Count)]);
            case Plant.TestRespelled when tests.Count > 0:
                return Respell(tests[rng.Next(tests.Count)]);
            default:
                return Fresh(rng, words, cumulative);
        }
    }

    private static string Fresh(Random rng, string[] words, double[] cumulative)
    {
        var sb = new StringBuilder(Openers[rng.Next(Openers.Length)]);
        int length = 6 + rng.Next(12);
        for (int i = 0; i < length; i++) sb.Append(' ').Append(words[Sample(rng, cumulative)]);
        if (rng.Next(3) > 0) sb.Append('?');
        return sb.ToString();
    }

    private static string ReplaceWord(string q, bool last, string replacement)
    {
        string[] w = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        w[last ? w.Length - 1 : 0] = replacement;
        return string.Join(' ', w);
    }

    private static string ShuffleAndReplace(string q, Random rng, string replacement)
    {
        string[] w = q.TrimEnd('?').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        rng.Shuffle(w);
        w[rng.Next(w.Length)] = replacement;
        return string.Join(' ', w);
    }

    /// <summary>Pluralises every word of four or more letters: new TF-IDF terms, nearly the same trigrams.</summary>
    private static string Respell(string q) =>
        string.Join(' ', q.TrimEnd('?').Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length >= 4 ? w + "s" : w));

    private static string[] MakeWords(int count, Random rng)
    {
        const string consonants = "bdfgklmnprstvz";
        const string vowels = "aeiou";
        const string finals = "bdfgklmnprtvz";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(count);
        while (list.Count < count)
        {
            int syllables = 2 + rng.Next(3);
            var sb = new StringBuilder();
            for (int i = 0; i < syllables; i++) sb.Append(consonants[rng.Next(consonants.Length)]).Append(vowels[rng.Next(vowels.Length)]);
            // No word ends in "s", so a pluralised word is never another vocabulary word.
            if (rng.Next(2) == 0) sb.Append(finals[rng.Next(finals.Length)]);
            if (seen.Add(sb.ToString())) list.Add(sb.ToString());
        }
        return list.ToArray();
    }

    private static double[] ZipfCumulative(int n, double exponent)
    {
        var c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) { sum += 1.0 / Math.Pow(k + 1, exponent); c[k] = sum; }
        for (int k = 0; k < n; k++) c[k] /= sum;
        return c;
    }

    private static int Sample(Random rng, double[] cumulative)
    {
        int i = Array.BinarySearch(cumulative, rng.NextDouble());
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }
}
