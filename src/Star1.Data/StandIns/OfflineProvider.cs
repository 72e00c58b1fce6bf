using Star1.Data.Collect.Funnel;
using Star1.Llm;

namespace Star1.Data.StandIns;

/// <summary>
/// The offline default profile's language models: deterministic STAND-INS, no network, no keys. They are not
/// models; each reads only the rendered request (the same text a real model gets), finds the blocks its
/// template writes, and answers in the shape a real model would, so the stages, parsers, caches and selection
/// run exactly as they would with GPT-4o and DeepSeek-R1. Dispatches on <see cref="GenerationSettings.Model"/>:
/// <list type="bullet">
/// <item><c>standin-classifier</c>: <see cref="StandInClassifier"/> (MiniLM similarity to the definitions);</item>
/// <item><c>standin-reasoner</c>: <see cref="StandInReasoner"/> (policy-citing traces; benign answers without policies);</item>
/// <item><c>standin-scorer</c>: <see cref="StandInScorer"/> (the 0-10 rubric);</item>
/// <item><c>standin-rewriter</c>: <see cref="StandInRewriter"/> (lexicon look-alikes);</item>
/// <item><c>standin-benign-scorer</c>: <see cref="StandInBenignScorer"/> (the 1-5 rubric);</item>
/// <item><c>standin-guard</c>: <see cref="StandInGuard"/> (Llama-Guard-3's safe / unsafe verdict on [prompt, response]);</item>
/// <item><c>standin-refusal-judge</c>: <see cref="StandInRefusalJudge"/> (XSTest's compliance / refusal label);</item>
/// <item><c>standin-rubric-judge</c>: <see cref="StandInRubricJudge"/> (the StrongREJECT rubric).</item>
/// </list>
/// The three judges are string-match heuristics sharing one refusal detector (<see cref="RefusalPhrases"/>), not
/// models: offline safety and over-refusal numbers show that the evaluation runs, not how safe a model is.
/// </summary>
public sealed class OfflineProvider : IChatProvider
{
    public const string Classifier = "standin-classifier";
    public const string Reasoner = "standin-reasoner";
    public const string Scorer = "standin-scorer";
    public const string Rewriter = "standin-rewriter";
    public const string BenignScorer = "standin-benign-scorer";
    public const string Guard = "standin-guard";
    public const string RefusalJudge = "standin-refusal-judge";
    public const string RubricJudge = "standin-rubric-judge";

    /// <summary>The model names this provider answers for.</summary>
    public static IReadOnlyList<string> Models { get; } = [Classifier, Reasoner, Scorer, Rewriter, BenignScorer, Guard, RefusalJudge, RubricJudge];

    private readonly Func<ISentenceEmbedder>? _embedder;
    private readonly Lazy<StandInClassifier> _classifier;

    /// <param name="codeTag">
    /// What identifies the stand-ins' behaviour in the request cache key, e.g. the code hash of this type
    /// (a stage's <c>CodeHashOf(typeof(OfflineProvider))</c>), so editing a stand-in never serves old answers.
    /// </param>
    /// <param name="embedder">
    /// Makes the sentence embedder the classifier uses (all-MiniLM-L6-v2 in the pipeline). Called once, on the
    /// first classification request, so the other roles never load the model; null when no classification is asked.
    /// </param>
    public OfflineProvider(string codeTag, Func<ISentenceEmbedder>? embedder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(codeTag);
        Identity = IdentityFor(codeTag);
        _embedder = embedder;
        _classifier = new(() => new StandInClassifier(_embedder?.Invoke()
            ?? throw new StandInException($"stand-in {Classifier}: no sentence embedder was given to the offline provider")));
    }

    public string Identity { get; }

    /// <summary>The identity a provider with this code tag has, without making one (what --dryrun looks up).</summary>
    public static string IdentityFor(string codeTag) => "offline:" + codeTag;

    public Task<ChatAnswer> CompleteAsync(ChatRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ct.ThrowIfCancellationRequested();
        var model = request.Settings.Model;
        var prompt = PromptBlocks.PromptOf(request, model);
        ChatAnswer answer = model switch
        {
            Classifier => _classifier.Value.Answer(prompt),
            Reasoner => StandInReasoner.Answer(prompt),
            Scorer => StandInScorer.Answer(prompt),
            Rewriter => StandInRewriter.Answer(prompt),
            BenignScorer => StandInBenignScorer.Answer(prompt),
            // Llama Guard's request is the conversation itself ([user, assistant]), not a rendered template.
            Guard => StandInGuard.Answer(request),
            RefusalJudge => StandInRefusalJudge.Answer(prompt),
            RubricJudge => StandInRubricJudge.Answer(prompt),
            _ => throw new StandInException($"the offline provider has no stand-in for model '{model}'; it knows {string.Join(", ", Models)}"),
        };
        return Task.FromResult(answer);
    }
}
