namespace Star1.Chat.Formats;

/// <summary>The chat formats by name, and a guess from a Hugging Face model id for when params name none.</summary>
public static class ChatFormats
{
    public static ChatFormat R1DistillQwen { get; } = new R1DistillFormat("r1-distill-qwen", trainingBos: false);
    public static ChatFormat R1DistillLlama { get; } = new R1DistillFormat("r1-distill-llama", trainingBos: true);
    public static ChatFormat Qwen25Instruct { get; } = new Qwen25InstructFormat();
    public static ChatFormat Llama31Instruct { get; } = new Llama31InstructFormat();
    public static ChatFormat LlamaGuard3 { get; } = new LlamaGuard3Format();

    public static IReadOnlyList<ChatFormat> All { get; } = [R1DistillQwen, R1DistillLlama, Qwen25Instruct, Llama31Instruct, LlamaGuard3];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>The format called <paramref name="name"/> (case-insensitive); an unknown name lists the known ones.</summary>
    public static ChatFormat Get(string name) =>
        All.FirstOrDefault(f => f.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown chat format '{name}'; known: {string.Join(", ", Names)}", nameof(name));

    /// <summary>The format of a model named like its Hugging Face repository
    /// (<c>deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B</c>, <c>meta-llama/Llama-Guard-3-8B</c>), or null.</summary>
    public static ChatFormat? ForModel(string modelId)
    {
        var id = modelId.ToLowerInvariant();
        if (id.Contains("r1-distill-qwen")) return R1DistillQwen;
        if (id.Contains("r1-distill-llama")) return R1DistillLlama;
        if (id.Contains("llama-guard-3")) return LlamaGuard3;
        if (id.Contains("qwen2.5") && id.Contains("instruct")) return Qwen25Instruct;
        if (id.Contains("llama-3.1") && id.Contains("instruct")) return Llama31Instruct;
        return null;
    }
}
