using System.Text.Json.Serialization;

namespace Star1.Data.Collect.Funnel;

/// <summary>The six filtering steps of the funnel, in the order they run (PAPER.md section 1).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FunnelStep>))]
public enum FunnelStep
{
    /// <summary>1. Per source: word n-gram dedup with the source's own n.</summary>
    SelfNgram,
    /// <summary>2. Per source: shares an 8-gram with the test sets or an earlier source's kept questions.</summary>
    ReferenceNgram,
    /// <summary>3. Per source: TF-IDF cosine &gt;= 0.6 with the test sets or an earlier source's kept questions.</summary>
    ReferenceTfidf,
    /// <summary>4. All kept: greedy self TF-IDF filter.</summary>
    SelfTfidf,
    /// <summary>5. All kept: greedy self filter on sentence embeddings.</summary>
    SelfEmbedding,
    /// <summary>6. All kept: embedding cosine with a test question.</summary>
    TestEmbedding,
}

/// <summary>Display names of the steps.</summary>
public static class FunnelSteps
{
    public static IReadOnlyList<FunnelStep> All { get; } = Enum.GetValues<FunnelStep>();

    /// <summary>True for the steps run per source against the reference set (1-3).</summary>
    public static bool IsPerSource(FunnelStep step) => step <= FunnelStep.ReferenceTfidf;

    public static string Title(FunnelStep step) => step switch
    {
        FunnelStep.SelfNgram => "1 self n-gram",
        FunnelStep.ReferenceNgram => "2 n-gram vs reference",
        FunnelStep.ReferenceTfidf => "3 TF-IDF vs reference",
        FunnelStep.SelfTfidf => "4 self TF-IDF",
        FunnelStep.SelfEmbedding => "5 self embedding",
        FunnelStep.TestEmbedding => "6 embedding vs tests",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };
}
