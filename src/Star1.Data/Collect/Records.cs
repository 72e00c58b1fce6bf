namespace Star1.Data.Collect;

/// <summary>One raw question as a source provides it, before any filtering.</summary>
/// <param name="Text">The question text, as the source gives it (after the source's own mapping).</param>
/// <param name="Source">The source name, e.g. "GPTFuzz" (PAPER.md section 1, column "source name").</param>
/// <param name="Category">The source's own category label where it has one; metadata only.</param>
public sealed record RawQuestion(string Text, string Source, string? Category = null);

/// <summary>All questions of one training source, in file order, with that source's self n-gram size.</summary>
public sealed record LoadedSource(string Name, int SelfNgramN, IReadOnlyList<RawQuestion> Questions);

/// <summary>All questions of one test set used for decontamination.</summary>
public sealed record LoadedTestSet(string Name, IReadOnlyList<string> Questions);

/// <summary>A survivor of the funnel, in the original's data_collection.json shape.</summary>
public sealed record CollectedQuestion(int Id, string Question, string Source);
