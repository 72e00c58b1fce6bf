using Star1.Modeling.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Star1.Modeling.Generation;

/// <summary>
/// Batched continuation of token-id prompts with a KV cache. Prompts are left-padded to one length (so every
/// row's next token sits in the last column), the prompt is run once (prefill), then one token per step
/// reuses the cached keys and values. Greedy when Temperature is 0, else seeded top-p sampling; repetition
/// penalty and stop tokens as in Hugging Face's generate.
/// </summary>
public sealed class TokenGenerator(CausalLm model)
{
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        if (prompts.Count == 0) return [];
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("every prompt needs at least one token");
        var device = model.Device;
        int rows = prompts.Count, width = prompts.Max(p => p.Count);
        long vocab = model.Config.VocabSize;

        var idData = new long[rows * width];
        var maskData = new long[rows * width];
        for (int r = 0; r < rows; r++)
        {
            int pad = width - prompts[r].Count;
            for (int c = 0; c < width; c++)
            {
                idData[r * width + c] = c < pad ? options.PadTokenId : prompts[r][c - pad];
                maskData[r * width + c] = c < pad ? 0 : 1;
            }
        }

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(idData, [rows, width], device: device);
        var mask = tensor(maskData, [rows, width], device: device);
        // Which token ids each row has seen (prompt and output, never padding), for the repetition penalty.
        // Padding is sent to an extra column that is then dropped, so a pad id that is also a real token
        // of the prompt stays marked (scatter order over repeated indices is not defined).
        var seen = zeros(rows, vocab + 1, dtype: ScalarType.Bool, device: device)
            .scatter_(1, where(mask.to(ScalarType.Bool), ids, vocab), ones(rows, width, dtype: ScalarType.Bool, device: device))
            .narrow(1, 0, vocab).contiguous();
        var stops = tensor(options.StopTokenIds.Select(s => (long)s).DefaultIfEmpty(-1).ToArray(), device: device);
        var generator = options.Temperature > 0 ? new torch.Generator((ulong)options.Seed, device) : null;
        using var cache = options.UseKvCache ? model.NewCache() : null;

        var outputs = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        var reasons = Enumerable.Repeat(StopReason.MaxNewTokens, rows).ToArray();
        var finished = new bool[rows];
        var step = ids;   // what the next forward pass reads
        for (int n = 0; n < options.MaxNewTokens && finished.Contains(false); n++)
        {
            using var scope = NewDisposeScope();
            var logits = options.UseKvCache
                ? model.Forward(step, mask, cache, logitsToKeep: 1)
                : model.Forward(ids, mask, null, logitsToKeep: 1);
            var next = Choose(logits.select(1, 0).to(ScalarType.Float32), seen, options, generator);   // [B]

            var nextIds = next.data<long>().ToArray();
            var isStop = next.unsqueeze(1).eq(stops.unsqueeze(0)).any(1).data<bool>().ToArray();
            for (int r = 0; r < rows; r++)
            {
                if (finished[r]) { nextIds[r] = options.PadTokenId; continue; }
                outputs[r].Add((int)nextIds[r]);
                if (isStop[r]) { finished[r] = true; reasons[r] = StopReason.StopToken; }
            }
            var column = tensor(nextIds, [rows, 1], device: device);
            seen.scatter_(1, column, ones(rows, 1, dtype: ScalarType.Bool, device: device));
            // Finished rows keep receiving a (masked-in) pad token; their output is no longer read.
            // The step's tensors die with its scope; what the next step needs is moved out, and what it
            // replaces is freed now rather than at the end (a long generation would pile them up).
            Replace(ref mask, cat([mask, ones(rows, 1, dtype: ScalarType.Int64, device: device)], 1));
            if (!options.UseKvCache) Replace(ref ids, cat([ids, column], 1));
            if (!ReferenceEquals(step, ids)) step.Dispose();
            step = column.MoveToOuterDisposeScope();
        }
        return outputs.Select((o, r) => new GenerationResult(o.ToArray(), reasons[r])).ToArray();
    }

    private static void Replace(ref Tensor current, Tensor next)
    {
        next.MoveToOuterDisposeScope();
        current.Dispose();
        current = next;
    }

    private static Tensor Choose(Tensor logits, Tensor seen, GenerationOptions options, torch.Generator? generator)
    {
        logits = LogitsProcessing.RepetitionPenalty(logits, seen, options.RepetitionPenalty);
        if (generator is null) return logits.argmax(-1);
        logits = LogitsProcessing.TopP(logits / options.Temperature, options.TopP);
        return multinomial(logits.softmax(-1), 1, generator: generator).squeeze(1);
    }
}
