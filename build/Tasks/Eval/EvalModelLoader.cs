using System.Security.Cryptography;
using System.Text;
using Star1.Build.Tasks.Training;
using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Eval.Generation;
using Star1.Modeling;
using Star1.Modeling.Checkpoints;
using Star1.Pipeline.Stages;
using static TorchSharp.torch;

namespace Star1.Build.Tasks.Eval;

/// <summary>
/// An evaluated model in this process: how it is loaded, and the identity its generations are cached under. The
/// identity holds everything that decides a generation besides the request: the weights (their files' hashes; the
/// tiny model's seed), the device kind (which decides the dtype), and the code that loads the model, renders its
/// chat format and generates. A change to any of them generates afresh; nothing else does.
/// </summary>
internal static class EvalModelLoader
{
    public static string Identity(StageContext stage, EvalModel model, ChatFormat format)
    {
        var code = string.Concat(new[] { typeof(EvalModelLoader), typeof(LocalChatModel), format.GetType() }.Select(t => stage.CodeHashOf(t)[..16] + " "));
        return $"local {format.Name} on {ComputeDevice.Kind(stage.Param("eval.device").AsString())} weights {WeightsHash(stage, model)} code {code.TrimEnd()}";
    }

    /// <summary>The model's weights as a hash: its files' content hashes (and the tiny model's seed, which makes its weights).</summary>
    private static string WeightsHash(StageContext stage, EvalModel model)
    {
        var text = new StringBuilder();
        IEnumerable<string> files = model.Kind == EvalModelKind.Stage
            ? Directory.EnumerateFiles(stage.Input(model.Target, TrainStageTask.Checkpoint), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : model.DataFiles(stage.Param, stage.RepoRoot);
        foreach (var f in files) text.Append(Path.GetFileName(f)).Append(' ').AppendLine(stage.FileHash(f));
        if (model.Kind == EvalModelKind.Tiny) text.Append("seed ").AppendLine(stage.Param("train.seed").ToCanonicalJson());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..24];
    }

    /// <summary>Loads the model (fp32 on the CPU, bf16 on CUDA where the large models would not fit otherwise).</summary>
    public static LocalChatModel Open(StageContext stage, EvalModel model, ChatFormat format, Device device)
    {
        var dtype = device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        switch (model.Kind)
        {
            case EvalModelKind.Tiny:
                return new LocalChatModel(TinyModel.Create(stage.Param("train.seed").AsInt(), dtype, device), EmbeddedTokenizer.Load(), format);
            case EvalModelKind.Stage:
                var folder = stage.Input(model.Target, TrainStageTask.Checkpoint);
                var config = Path.Combine(folder, "tokenizer_config.json");
                var tokenizer = HfTokenizer.Load(Path.Combine(folder, "tokenizer.json"), File.Exists(config) ? TokenizerConfig.Read(config) : null);
                return new LocalChatModel(CheckpointLoader.LoadModel(folder, device, dtype), tokenizer, format);
            default:
                var baseModel = model.Base(stage.Param, stage.RepoRoot);
                return new LocalChatModel(baseModel.Load(dtype, device, 0), baseModel.LoadTokenizer(), format);
        }
    }
}
