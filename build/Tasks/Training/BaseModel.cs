using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Data.Collect.Sources;
using Star1.Modeling;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// The base model a training stage starts from, as params name it: <c>tiny</c> (the embedded default), a local
/// Hugging Face folder (relative to the repository root), or a hub id found in the models cache
/// (artifacts/cache/models). Says which files make up its identity (the fingerprint's data files, stamped by
/// the engine's hash index so a no-op run does not re-hash the weights) and loads model, tokenizer and format.
/// </summary>
public sealed class BaseModel
{
    /// <summary>Where hub models live, shared by Train, TrainBenign and Generate.</summary>
    public static string ModelsCache(string repoRoot) => Path.Combine(repoRoot, "artifacts", "cache", "models");

    /// <summary>The embedded tokenizer's source file: its bytes are a compiled resource the code hasher cannot see.</summary>
    public const string EmbeddedTokenizerFile = "src/Star1.Chat/Embedded/tokenizer.json";

    public string Spec { get; }
    public bool IsTiny => TinyModel.Is(Spec);

    /// <summary>The checkpoint folder (null for tiny, or a hub model not in the cache).</summary>
    public string? Folder { get; }

    private readonly string repoRoot;

    private BaseModel(string spec, string? folder, string repoRoot)
    {
        Spec = spec;
        Folder = folder;
        this.repoRoot = repoRoot;
    }

    public static BaseModel From(string spec, string repoRoot)
    {
        spec = spec.Trim();
        if (spec.Length == 0) throw new ArgumentException("train.base_model is empty: name tiny, a model folder or a hub id");
        if (TinyModel.Is(spec)) return new BaseModel(TinyModel.Name, null, repoRoot);
        var local = Path.Combine(repoRoot, spec);
        if (Directory.Exists(local)) return new BaseModel(spec, Path.GetFullPath(local), repoRoot);
        var source = new ModelSource(ModelsCache(repoRoot), new FetchOptions { Online = false });
        try
        {
            return new BaseModel(spec, source.ResolveAsync(spec).GetAwaiter().GetResult(), repoRoot);
        }
        catch (ModelFilesMissingException)
        {
            return new BaseModel(spec, null, repoRoot);
        }
    }

    /// <summary>Why it cannot be used offline (the resolver's message, listing the missing files), or null.</summary>
    public string? Problem()
    {
        if (IsTiny) return null;
        if (Folder is not null) return WeightsProblem();
        try
        {
            new ModelSource(ModelsCache(repoRoot), new FetchOptions { Online = false }).ResolveAsync(Spec).GetAwaiter().GetResult();
            return null;
        }
        catch (ModelFilesMissingException e)
        {
            return e.Message;
        }
    }

    /// <summary>A folder without config.json or weights, said before the fingerprint would miss them.</summary>
    private string? WeightsProblem()
    {
        if (!File.Exists(Path.Combine(Folder!, "config.json"))) return $"model {Spec}: {Folder} has no config.json";
        try
        {
            CheckpointLoader.WeightFiles(Folder!);
            return null;
        }
        catch (FileNotFoundException e)
        {
            return $"model {Spec}: {e.Message}";
        }
    }

    /// <summary>The files whose bytes decide the model: config, weights and tokenizer files (tiny: the embedded tokenizer).</summary>
    public IEnumerable<string> IdentityFiles()
    {
        if (IsTiny) return [Path.Combine(repoRoot, EmbeddedTokenizerFile)];
        if (Folder is null) return [];
        var files = new List<string> { Path.Combine(Folder, "config.json") };
        if (WeightsProblem() is null) files.AddRange(CheckpointLoader.WeightFiles(Folder));
        var index = Path.Combine(Folder, CheckpointLoader.IndexFile);
        if (File.Exists(index)) files.Add(index);
        files.AddRange(CheckpointSaver.TokenizerFiles.Select(n => Path.Combine(Folder, n)).Where(File.Exists));
        return files;
    }

    /// <summary>The model's config.json as it would be built (tiny) or read (a folder).</summary>
    public ModelConfig Config()
    {
        if (IsTiny)
        {
            using var tokenizer = EmbeddedTokenizer.Load();
            return TinyModel.Config(tokenizer.VocabSize, tokenizer.BosId!.Value, tokenizer.EosId!.Value);
        }
        return ModelConfig.Load(Path.Combine(RequireFolder(), "config.json"));
    }

    public HfTokenizer LoadTokenizer()
    {
        if (IsTiny) return EmbeddedTokenizer.Load();
        var folder = RequireFolder();
        var config = Path.Combine(folder, "tokenizer_config.json");
        return HfTokenizer.Load(Path.Combine(folder, "tokenizer.json"), File.Exists(config) ? TokenizerConfig.Read(config) : null);
    }

    /// <summary>The chat format: params' name, or for "auto" the tiny model's own or the one its id suggests.</summary>
    public ChatFormat Format(string setting)
    {
        if (!string.Equals(setting.Trim(), "auto", StringComparison.OrdinalIgnoreCase)) return ChatFormats.Get(setting.Trim());
        if (IsTiny) return ChatFormats.Get(TinyModel.ChatFormat);
        return ChatFormats.ForModel(Spec) ?? throw new ArgumentException(
            $"train.chat_format is auto, but '{Spec}' names no known model family; set it to one of {string.Join(", ", ChatFormats.Names)}");
    }

    /// <summary>The weights to start from: tiny from the seed, a folder's checkpoint converted to the training dtype.</summary>
    public CausalLm Load(ScalarType dtype, Device device, long seed) =>
        IsTiny ? TinyModel.Create(seed, dtype, device) : CheckpointLoader.LoadModel(RequireFolder(), device, dtype);

    private string RequireFolder() => Folder ?? throw new ModelFilesMissingException(Problem() ?? $"model {Spec}: not found");
}
