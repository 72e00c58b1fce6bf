using Spectre.Console;
using Star1.Build.Tasks.Training;
using Star1.Chat.Formats;
using Star1.Data.Collect.Sources;
using Star1.Host;
using Star1.Modeling;
using Star1.Modeling.Checkpoints;
using Star1.Modeling.Generation;
using Star1.Pipeline.Params;
using static TorchSharp.torch;

namespace Star1.Build.Tasks;

/// <summary>
/// Tries a model on one prompt: the user turn in the model's chat format with its generation prompt, then the
/// completion (greedy, or seeded top-p sampling), printed. Not a stage: it writes nothing, so it runs without
/// the build lock and re-runs every time. <c>generate.model: Train</c> (or TrainBenign) is that stage's trained
/// checkpoint; it is not a dependency, so trying a checkpoint never starts a training.
/// </summary>
[TaskName("Generate")]
[ReadOnlyTask]
[TaskDescription("Print a model's completion for --set generate.prompt=\"...\" (generate.model: Train, TrainBenign, tiny, a folder or hub id)")]
public sealed class GenerateTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var param = context.Params.Get;
        var spec = param("generate.model").AsString().Trim();
        var device = ComputeDevice.Resolve(param("generate.device").AsString());

        var (model, format, tokenizer) = Load(spec, param, context, device);
        using (model)
        using (tokenizer)
        {
            var template = new ChatTemplate(format, tokenizer);
            var prompt = template.EncodeGenerationPrompt([ChatMessage.User(param("generate.prompt").AsString())]);
            var options = new GenerationOptions
            {
                MaxNewTokens = (int)param("generate.max_new_tokens").AsInt(),
                Temperature = param("generate.temperature").AsDouble(),
                TopP = param("generate.top_p").AsDouble(),
                RepetitionPenalty = param("generate.repetition_penalty").AsDouble(),
                StopTokenIds = template.StopIds,
                PadTokenId = tokenizer.PadId ?? template.EndOfTurnId,
                Seed = param("generate.seed").AsInt(),
            };
            var result = new TokenGenerator(model).Generate([prompt], options)[0];
            context.Console.WriteLine($"model {spec} ({format.Name}, {device}), {prompt.Length} prompt tokens, {result.Tokens.Length} generated ({result.Reason})");
            context.Console.WriteLine("--- completion ---");
            context.Console.WriteLine(tokenizer.Decode(result.Tokens, skipSpecial: false));
            if (param("generate.show_ids").AsBool())
            {
                context.Console.WriteLine($"prompt ids: [{string.Join(", ", prompt)}]");
                context.Console.WriteLine($"completion ids: [{string.Join(", ", result.Tokens)}]");
            }
        }
    }

    /// <summary>The model, its chat format and tokenizer. Train/TrainBenign: the stage's checkpoint with the format
    /// train.* trained it in; tiny: the untrained embedded model; else a folder or a cached hub model.</summary>
    private static (Modeling.Architectures.CausalLm, ChatFormat, Chat.Tokenization.HfTokenizer) Load(string spec, Func<string, ParamNode> param, BuildContext context, Device device)
    {
        var root = context.Workspace.RepoRoot;
        var formatSetting = param("generate.chat_format").AsString();
        if (spec is "Train" or "TrainBenign")
        {
            var folder = Path.TrimEndingDirectorySeparator(context.Workspace.OutputPath(spec, TrainStageTask.Checkpoint));
            if (!File.Exists(Path.Combine(folder, "config.json")))
                throw new InvalidOperationException($"generate.model {spec}: no trained checkpoint in {Path.GetRelativePath(root, folder)}; run ./build.sh --target {spec} first");
            var trainedFrom = BaseModel.From(param("train.base_model").AsString(), root, BaseModel.ModelsCache(param, root));
            var format = Auto(formatSetting) ? trainedFrom.Format(param("train.chat_format").AsString()) : ChatFormats.Get(formatSetting.Trim());
            var tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
            var tokenizer = Chat.Tokenization.HfTokenizer.Load(Path.Combine(folder, "tokenizer.json"),
                File.Exists(tokenizerConfig) ? Chat.Tokenization.TokenizerConfig.Read(tokenizerConfig) : null);
            return (CheckpointLoader.LoadModel(folder, device, ScalarType.Float32), format, tokenizer);
        }
        var cache = BaseModel.ModelsCache(param, root);
        var baseModel = BaseModel.From(spec, root, cache);
        var download = param(BaseModel.DownloadKey).AsBool();
        if (baseModel.Blocker(download) is { } problem) throw new InvalidOperationException(problem);
        // The models cache is Train's: with train.download on, a hub model missing from it is fetched as Train would.
        if (baseModel.Problem() is not null && download)
            baseModel = BaseModel.FetchAsync(spec, root, cache, FetchOptions.FromEnvironment(online: true, context.Engine.Reporter.Info)).GetAwaiter().GetResult();
        return (baseModel.Load(ScalarType.Float32, device, param("train.seed").AsInt()), baseModel.Format(formatSetting), baseModel.LoadTokenizer());
    }

    private static bool Auto(string setting) => string.Equals(setting.Trim(), "auto", StringComparison.OrdinalIgnoreCase);
}
