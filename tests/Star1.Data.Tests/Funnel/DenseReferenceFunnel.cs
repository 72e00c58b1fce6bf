using System.Text.RegularExpressions;
using Star1.Data.Collect;
using Star1.Data.Collect.Funnel;

namespace Star1.Data.Tests.Funnel;

/// <summary>
/// A deliberately plain re-implementation of the funnel, written the way the original does it: n-gram sets of
/// strings, TF-IDF as dense document x term matrices with sklearn's formulas, full similarity matrices, and
/// straightforward loops. It shares no code with the production funnel except the embedder, so agreement
/// between the two is evidence that the sparse index, hashing and blocking change nothing.
/// </summary>
internal static class DenseReferenceFunnel
{
    private static readonly Regex Token = new(@"\b\w\w+\b", RegexOptions.Compiled);

    public sealed record Result(
        IReadOnlyList<(string Question, string Source)> Collected,
        IReadOnlyDictionary<FunnelStep, List<(string Question, string Source)>> Dropped);

    public static Result Run(IReadOnlyList<LoadedSource> sources, IReadOnlyList<LoadedTestSet> testSets,
        FunnelSettings settings, ISentenceEmbedder embedder)
    {
        var dropped = FunnelSteps.All.ToDictionary(s => s, _ => new List<(string, string)>());
        List<string> tests = testSets.SelectMany(t => t.Questions).ToList();
        var reference = new List<string>(tests);
        var kept = new List<(string Question, string Source)>();

        foreach (LoadedSource source in sources)
        {
            // Step 1: keep a question unless it shares an n-gram with a kept question of this source.
            var step1 = new List<string>();
            var keptGramSets = new List<HashSet<string>>();
            foreach (RawQuestion q in source.Questions)
            {
                HashSet<string> grams = Ngrams(q.Text, source.SelfNgramN);
                if (keptGramSets.Any(k => k.Overlaps(grams))) dropped[FunnelStep.SelfNgram].Add((q.Text, source.Name));
                else { keptGramSets.Add(grams); step1.Add(q.Text); }
            }

            // Step 2: drop on any 8-gram of the reference.
            var refGrams = new HashSet<string>();
            foreach (string r in reference) refGrams.UnionWith(Ngrams(r, settings.TestNgramN));
            var step2 = new List<string>();
            foreach (string q in step1)
            {
                if (Ngrams(q, settings.TestNgramN).Overlaps(refGrams)) dropped[FunnelStep.ReferenceNgram].Add((q, source.Name));
                else step2.Add(q);
            }

            // Step 3: dense TF-IDF fitted on reference + source, full source x reference similarity matrix.
            var step3 = new List<string>();
            if (step2.Count > 0)
            {
                double[,] m = TfidfMatrix(reference.Concat(step2).ToList());
                double[,] sim = Similarities(m, reference.Count, reference.Count + step2.Count, 0, reference.Count);
                for (int i = 0; i < step2.Count; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < reference.Count; j++) max = Math.Max(max, sim[i, j]);
                    if (max >= settings.ReferenceTfidfThreshold) dropped[FunnelStep.ReferenceTfidf].Add((step2[i], source.Name));
                    else step3.Add(step2[i]);
                }
            }
            reference.AddRange(step3);
            kept.AddRange(step3.Select(q => (q, source.Name)));
        }

        // Step 4: dense TF-IDF on all kept, full N x N similarity matrix, greedy.
        var step4 = new List<(string Question, string Source)>();
        if (kept.Count > 0)
        {
            double[,] m = TfidfMatrix(kept.Select(k => k.Question).ToList());
            double[,] sim = Similarities(m, 0, kept.Count, 0, kept.Count);
            var keptIdx = new List<int>();
            for (int i = 0; i < kept.Count; i++)
            {
                if (keptIdx.Any(j => sim[i, j] >= settings.SelfTfidfThreshold)) dropped[FunnelStep.SelfTfidf].Add(kept[i]);
                else { keptIdx.Add(i); step4.Add(kept[i]); }
            }
        }

        // Steps 5-6: normalised embeddings, full similarity matrices.
        var step5 = new List<(string Question, string Source)>();
        float[][] e = Normalise(embedder.Embed(step4.Select(k => k.Question).ToArray()));
        float[][] t = Normalise(embedder.Embed(tests));
        var keptRows = new List<int>();
        double[,] selfSim = new double[e.Length, e.Length];
        for (int i = 0; i < e.Length; i++)
            for (int j = 0; j < e.Length; j++) selfSim[i, j] = Dot(e[i], e[j]);
        for (int i = 0; i < e.Length; i++)
        {
            if (keptRows.Any(j => selfSim[i, j] >= settings.SelfEmbeddingThreshold)) dropped[FunnelStep.SelfEmbedding].Add(step4[i]);
            else { keptRows.Add(i); step5.Add(step4[i]); }
        }
        var step6 = new List<(string Question, string Source)>();
        foreach (int i in keptRows)
        {
            double max = double.NegativeInfinity;
            foreach (float[] tv in t) max = Math.Max(max, Dot(e[i], tv));
            if (max >= settings.TestEmbeddingThreshold) dropped[FunnelStep.TestEmbedding].Add(step4[i]);
            else step6.Add(step4[i]);
        }
        return new Result(step6, dropped);
    }

    public static HashSet<string> Ngrams(string text, int n)
    {
        string[] words = text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < n) return [string.Join(' ', words)];
        var set = new HashSet<string>();
        for (int i = 0; i + n <= words.Length; i++) set.Add(string.Join(' ', words, i, n));
        return set;
    }

    /// <summary>sklearn TfidfVectorizer().fit_transform(docs).toarray(): alphabetical vocabulary, smooth idf, L2 rows.</summary>
    public static double[,] TfidfMatrix(IReadOnlyList<string> docs) => TfidfMatrix(docs, out _);

    public static double[,] TfidfMatrix(IReadOnlyList<string> docs, out string[] vocabulary)
    {
        List<string>[] tokens = docs.Select(d => Token.Matches(d.ToLowerInvariant()).Select(m => m.Value).ToList()).ToArray();
        vocabulary = tokens.SelectMany(t => t).Distinct().OrderBy(w => w, StringComparer.Ordinal).ToArray();
        var col = new Dictionary<string, int>();
        for (int i = 0; i < vocabulary.Length; i++) col[vocabulary[i]] = i;
        var m = new double[docs.Count, vocabulary.Length];
        for (int d = 0; d < docs.Count; d++)
            foreach (string w in tokens[d]) m[d, col[w]] += 1;
        int n = docs.Count;
        for (int j = 0; j < vocabulary.Length; j++)
        {
            int df = 0;
            for (int d = 0; d < n; d++) if (m[d, j] > 0) df++;
            double idf = Math.Log((double)(n + 1) / (df + 1)) + 1;
            for (int d = 0; d < n; d++) m[d, j] *= idf;
        }
        for (int d = 0; d < n; d++)
        {
            double sq = 0;
            for (int j = 0; j < vocabulary.Length; j++) sq += m[d, j] * m[d, j];
            if (sq == 0) continue;
            double norm = Math.Sqrt(sq);
            for (int j = 0; j < vocabulary.Length; j++) m[d, j] /= norm;
        }
        return m;
    }

    /// <summary>
    /// Rows [r0, r1) times rows [c0, c1) transposed: the full similarity block. The i-k-j loop skips zero
    /// entries of the left row only to keep the test fast; it adds exactly the same products in the same
    /// (ascending column) order as the textbook triple loop.
    /// </summary>
    public static double[,] Similarities(double[,] m, int r0, int r1, int c0, int c1)
    {
        int v = m.GetLength(1);
        var sim = new double[r1 - r0, c1 - c0];
        for (int i = r0; i < r1; i++)
            for (int k = 0; k < v; k++)
            {
                double a = m[i, k];
                if (a == 0) continue;
                for (int j = c0; j < c1; j++) sim[i - r0, j - c0] += a * m[j, k];
            }
        return sim;
    }

    private static float[][] Normalise(float[][] raw) => raw.Select(v =>
    {
        double sq = 0;
        foreach (float x in v) sq += (double)x * x;
        double norm = Math.Sqrt(sq);
        return sq == 0 ? new float[v.Length] : v.Select(x => (float)(x / norm)).ToArray();
    }).ToArray();

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
