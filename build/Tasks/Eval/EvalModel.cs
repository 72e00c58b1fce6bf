using Star1.Build.Tasks.Training;
using Star1.Chat.Formats;
using Star1.Modeling;
using Star1.Pipeline.Params;

namespace Star1.Build.Tasks.Eval;

/// <summary>Where an evaluated model's outputs come from.</summary>
public enum EvalModelKind
{
    /// <summary>The embedded tiny model as Train starts from it (untrained, from train.seed).</summary>
    Tiny,
    /// <summary>A checkpoint a training stage wrote (stage:Train, stage:TrainBenign).</summary>
    Stage,
    /// <summary>A Hugging Face model folder, or a hub id in the models cache.</summary>
    Checkpoint,
    /// <summary>An OpenAI-compatible endpoint serving the model (vLLM): endpoint:PROVIDER with served_model.</summary>
    Endpoint,
    /// <summary>Generations made elsewhere: file:PATH, JSON Lines of {id or question, output}.</summary>
    File,
}

/// <summary>
/// One entry of <c>eval.registry</c>: a model a cell evaluates. Says which params keys and files decide its outputs
/// (they enter every one of its cells' fingerprints) and why it cannot be used, before any work.
/// </summary>
public sealed record EvalModel(string Name, EvalModelKind Kind, string Target, string ChatFormatSetting, string ServedModel, string PaperRow)
{
    public const string Registry = "eval.registry";

    public string Key => $"{Registry}.{Name}";

    /// <summary>Reads the entry; a name that is not there, or a source of no known form, names the key.</summary>
    public static EvalModel Read(Func<string, ParamNode> param, EffectiveParams parameters, string name)
    {
        if (!IsSafeName(name))
            throw new ParamsException($"eval.models names '{name}': model names are letters, digits, '_' and '-' (they name stages and files)");
        if (parameters.Find($"{Registry}.{name}") is null)
            throw new ParamsException($"eval.models names '{name}', which is not under {Registry}; known: {string.Join(", ", parameters.Get(Registry).Keys)}");
        var source = param($"{Registry}.{name}.source").AsString().Trim();
        var (kind, target) = source switch
        {
            "tiny" => (EvalModelKind.Tiny, "tiny"),
            _ when source.StartsWith("stage:", StringComparison.Ordinal) => (EvalModelKind.Stage, source["stage:".Length..]),
            _ when source.StartsWith("endpoint:", StringComparison.Ordinal) => (EvalModelKind.Endpoint, source["endpoint:".Length..]),
            _ when source.StartsWith("file:", StringComparison.Ordinal) => (EvalModelKind.File, source["file:".Length..]),
            "" => throw new ParamsException($"{Registry}.{name}.source is empty: tiny, stage:Train, a model folder or hub id, endpoint:PROVIDER or file:PATH"),
            _ => (EvalModelKind.Checkpoint, source),
        };
        if (kind == EvalModelKind.Stage && target is not ("Train" or "TrainBenign"))
            throw new ParamsException($"{Registry}.{name}.source is '{source}': the stages that write checkpoints are Train and TrainBenign");
        return new EvalModel(name, kind, target, param($"{Registry}.{name}.chat_format").AsString().Trim(),
            param($"{Registry}.{name}.served_model").AsString().Trim(), param($"{Registry}.{name}.paper_row").AsString().Trim());
    }

    /// <summary>Generated in this process (so the device and the batch matter).</summary>
    public bool InProcess => Kind is EvalModelKind.Tiny or EvalModelKind.Stage or EvalModelKind.Checkpoint;

    /// <summary>
    /// The params keys besides its own entry that decide its outputs: the tiny model's seed, the format a training
    /// stage trained in (for chat_format auto), the endpoint's kind and URL.
    /// </summary>
    public IEnumerable<string> ExtraKeys() => Kind switch
    {
        EvalModelKind.Tiny => ["train.seed"],
        EvalModelKind.Stage => ["train.base_model", "train.chat_format"],
        EvalModelKind.Endpoint => [$"llm.providers.{Target}.kind", $"llm.providers.{Target}.base_url"],
        _ => [],
    };

    /// <summary>The files outside the graph whose bytes decide its outputs.</summary>
    public IEnumerable<string> DataFiles(Func<string, ParamNode> param, string repoRoot) => Kind switch
    {
        EvalModelKind.Tiny or EvalModelKind.Checkpoint => Base(param, repoRoot).IdentityFiles(),
        EvalModelKind.File => [Path.GetFullPath(Path.Combine(repoRoot, Target))],
        _ => [],
    };

    /// <summary>A tiny or checkpoint model as Train's base-model code finds it (hub ids in train.models_cache).</summary>
    public BaseModel Base(Func<string, ParamNode> param, string repoRoot) =>
        BaseModel.From(Kind == EvalModelKind.Tiny ? "tiny" : Target, repoRoot, BaseModel.ModelsCache(param, repoRoot));

    /// <summary>Why it cannot be evaluated now (files missing, an unknown provider or format), or null.</summary>
    public string? Problem(EffectiveParams parameters, string repoRoot)
    {
        switch (Kind)
        {
            case EvalModelKind.Checkpoint:
                // With eval.download the cell fetches the model itself before any work.
                if (!parameters.Get("eval.download").AsBool() && Base(parameters.Get, repoRoot).Problem() is { } missing)
                    return $"{Key}: {missing} (or run with --set eval.download=true)";
                break;
            case EvalModelKind.Endpoint:
                if (parameters.Find($"llm.providers.{Target}") is null) return $"{Key}.source names provider '{Target}', which is not under llm.providers";
                if (parameters.Get($"llm.providers.{Target}.kind").AsString() != "openai") return $"{Key}: provider '{Target}' is not an endpoint (kind openai)";
                if (ServedModel.Length == 0) return $"{Key}.served_model is empty: the model name the endpoint serves";
                break;
            case EvalModelKind.File:
                var path = Path.Combine(repoRoot, Target);
                if (!System.IO.File.Exists(path)) return $"{Key}.source: the generations file {Target} does not exist";
                break;
        }
        try
        {
            if (InProcess) FormatFor(parameters.Get);
        }
        catch (ArgumentException e)
        {
            return $"{Key}: {e.Message}";
        }
        return null;
    }

    /// <summary>
    /// The chat format prompts are rendered in: the entry's, or for auto the tiny model's own, the one the training
    /// stage trained in, or the one the model id suggests.
    /// </summary>
    public ChatFormat FormatFor(Func<string, ParamNode> param)
    {
        if (!string.Equals(ChatFormatSetting, "auto", StringComparison.OrdinalIgnoreCase)) return ChatFormats.Get(ChatFormatSetting);
        // The format a training stage trained in: train.chat_format, or for auto the one its base model implies.
        if (Kind == EvalModelKind.Stage && !string.Equals(param("train.chat_format").AsString().Trim(), "auto", StringComparison.OrdinalIgnoreCase))
            return ChatFormats.Get(param("train.chat_format").AsString().Trim());
        var spec = Kind switch { EvalModelKind.Tiny => TinyModel.Name, EvalModelKind.Stage => param("train.base_model").AsString().Trim(), _ => Target };
        if (TinyModel.Is(spec)) return ChatFormats.Get(TinyModel.ChatFormat);
        return ChatFormats.ForModel(spec) ?? throw new ArgumentException(
            $"chat_format is auto, but '{spec}' names no known model family; set it to one of {string.Join(", ", ChatFormats.Names)}");
    }

    // Not a generated regex: those share one generated helper class per assembly, whose code every stage using a
    // regex would then see change.
    private static bool IsSafeName(string name) =>
        name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
