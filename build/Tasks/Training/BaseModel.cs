using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Data.Collect.Sources;
using Star1.Modeling;
using Star1.Modeling.Architectures;
using Star1.Modeling.Checkpoints;
using Star1.Pipeline.Params;
using static TorchSharp.torch;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// The base model a training stage starts from, as params name it: <c>tiny</c> (the embedded default), a local
/// Hugging Face folder (relative to the repository root), or a hub id kept in the models cache (train.models_cache,
/// downloaded there when train.download allows). Says which files make up its identity (the fingerprint's data
/// files, stamped by the engine's hash index so a no-op run does not re-hash the weights) and loads model,
/// tokenizer and format.
/// </summary>
public sealed class BaseModel
{
    public const string ModelsCacheKey = "train.models_cache";
    public const string DownloadKey = "train.download";

    /// <summary>Where hub models live (train.models_cache, relative to the repository), shared by Train, TrainBenign and Generate.</summary>
    public static string ModelsCache(Func<string, ParamNode> param, string repoRoot) =>
        Path.GetFullPath(Path.Combine(repoRoot, param(ModelsCacheKey).AsString()));

    /// <summary>The embedded tokenizer's source file: its bytes are a compiled resource the code hasher cannot see.</summary>
    public const string EmbeddedTokenizerFile = "src/Star1.Chat/Embedded/tokenizer.json";

    public string Spec { get; }
    public bool IsTiny => TinyModel.Is(Spec);

    /// <summary>A hub id (not tiny, not a local folder): the one kind of base model that can be downloaded.</summary>
    public bool IsHubModel => !IsTiny && !Directory.Exists(Path.Combine(repoRoot, Spec)) && ModelSource.IsHubId(Spec);

    /// <summary>The checkpoint folder (null for tiny, or a hub model not in the cache).</summary>
    public string? Folder { get; }

    private readonly string repoRoot;
    private readonly string modelsCache;

    private BaseModel(string spec, string? folder, string repoRoot, string modelsCache)
    {
        Spec = spec;
        Folder = folder;
        this.repoRoot = repoRoot;
        this.modelsCache = modelsCache;
    }

    /// <summary>The model as it is on disk now; nothing is downloaded (see <see cref="FetchAsync"/>).</summary>
    public static BaseModel From(string spec, string repoRoot, string modelsCache)
    {
        spec = spec.Trim();
        if (spec.Length == 0) throw new ArgumentException("train.base_model is empty: name tiny, a model folder or a hub id");
        if (TinyModel.Is(spec)) return new BaseModel(TinyModel.Name, null, repoRoot, modelsCache);
        var local = Path.Combine(repoRoot, spec);
        if (Directory.Exists(local)) return new BaseModel(spec, Path.GetFullPath(local), repoRoot, modelsCache);
        var source = new ModelSource(modelsCache, new FetchOptions { Online = false });
        try
        {
            return new BaseModel(spec, source.ResolveAsync(spec).GetAwaiter().GetResult(), repoRoot, modelsCache);
        }
        catch (ModelFilesMissingException)
        {
            return new BaseModel(spec, null, repoRoot, modelsCache);
        }
    }

    /// <summary>
    /// A hub model with every missing file downloaded into the models cache first (resumable, each weight file
    /// checked against the hub's SHA-256, HF_TOKEN from <paramref name="options"/> for gated models).
    /// </summary>
    /// <param name="handler">For tests: a stand-in for the hub.</param>
    public static async Task<BaseModel> FetchAsync(string spec, string repoRoot, string modelsCache, FetchOptions options, HttpMessageHandler? handler = null, CancellationToken ct = default)
    {
        spec = spec.Trim();
        var folder = await new ModelSource(modelsCache, options, handler).ResolveAsync(spec, ct);
        return new BaseModel(spec, folder, repoRoot, modelsCache);
    }

    /// <summary>Why it cannot be used offline (the resolver's message, listing the missing files), or null.</summary>
    public string? Problem()
    {
        if (IsTiny) return null;
        if (Folder is not null) return WeightsProblem();
        try
        {
            new ModelSource(modelsCache, new FetchOptions { Online = false }).ResolveAsync(Spec).GetAwaiter().GetResult();
            return null;
        }
        catch (ModelFilesMissingException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// What stops the model from being used before any work, with how to get it: null when it is there, or when it
    /// is a hub model that <paramref name="download"/> lets the stage fetch.
    /// </summary>
    public string? Blocker(bool download)
    {
        if (Problem() is not { } problem) return null;
        if (!IsHubModel) return problem;
        return download ? null : $"{problem}\nTo download it into {modelsCache}, run with --set {DownloadKey}=true (and HF_TOKEN set for a gated model).";
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
