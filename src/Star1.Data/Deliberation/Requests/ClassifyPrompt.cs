using System.Globalization;
using Star1.Data.Collect;
using Star1.Llm;

namespace Star1.Data.Deliberation.Requests;

/// <summary>
/// Classify's request (paper section 2.2): the question and the eight category definitions, answered with a
/// JSON list of names (<see cref="Parsing.CategoryParser"/>). Placeholders: <c>{{question}}</c>, <c>{{definitions}}</c>.
/// </summary>
public sealed class ClassifyPrompt
{
    /// <summary>The files this builder reads: the stage declares exactly these.</summary>
    public static IReadOnlyList<string> Files { get; } = [PromptFiles.Classify, .. PromptFiles.Policies];

    private readonly PromptTemplate _template;
    private readonly string _definitions;

    public ClassifyPrompt(PromptTemplate template, Policies policies)
    {
        _template = template.Expect("question", "definitions");
        _definitions = policies.RenderDefinitions();
    }

    /// <summary>Reads the template and policies through the stage's prompt reader (repository-relative paths).</summary>
    public static ClassifyPrompt Load(Func<string, string> read) =>
        new(PromptTemplate.Load(PromptFiles.Classify, read), Policies.Load(read));

    public ChatRequest Build(string question, GenerationSettings settings) =>
        _template.Request(settings, ("question", question), ("definitions", _definitions));

    public LlmItem Item(CollectedQuestion q, GenerationSettings settings) =>
        new(q.Id.ToString(CultureInfo.InvariantCulture), Build(q.Question, settings));
}
