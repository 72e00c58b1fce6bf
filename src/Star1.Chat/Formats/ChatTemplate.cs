using Star1.Chat.Tokenization;

namespace Star1.Chat.Formats;

/// <summary>A training sequence before truncation: the ids, of which the first <see cref="PromptLength"/> are the prompt.</summary>
public sealed record EncodedTurn(int[] Ids, int PromptLength);

/// <summary>
/// A chat format bound to a tokenizer: conversation -> ids. Binding checks that every special token the format
/// writes is one id of the tokenizer (otherwise it would be spelled out in pieces and the model would never see
/// its turn markers), so a format/tokenizer mismatch fails here, before any work.
/// </summary>
public sealed class ChatTemplate
{
    public ChatFormat Format { get; }
    public ITokenizer Tokenizer { get; }

    /// <summary>Id of <see cref="ChatFormat.EndOfTurn"/>: the last trained token, the padding, a stop token.</summary>
    public int EndOfTurnId { get; }

    /// <summary>Ids that end a generation: the end of turn, the format's other stop tokens the tokenizer has,
    /// and the tokenizer's EOS; each once, in that order.</summary>
    public IReadOnlyList<int> StopIds { get; }

    public ChatTemplate(ChatFormat format, ITokenizer tokenizer)
    {
        Format = format;
        Tokenizer = tokenizer;
        foreach (var special in format.SpecialTokens)
        {
            var ids = tokenizer.Encode(special);
            if (ids.Length != 1)
                throw new InvalidOperationException(
                    $"chat format {format.Name} needs '{special}' as one token, but tokenizer {tokenizer.Source} encodes it as {ids.Length} ids [{string.Join(",", ids)}]");
        }
        EndOfTurnId = tokenizer.Encode(format.EndOfTurn)[0];
        var stops = new List<int> { EndOfTurnId };
        foreach (var token in format.ExtraStopTokens)
            if (tokenizer.FindTokenId(token) is { } id) stops.Add(id);
        if (tokenizer.EosId is { } eos) stops.Add(eos);
        StopIds = [.. stops.Distinct()];
    }

    public int[] EncodeGenerationPrompt(IReadOnlyList<ChatMessage> messages) => Tokenizer.Encode(Format.GenerationPrompt(messages));

    /// <summary>
    /// The ids of <paramref name="messages"/> followed by the trained assistant <paramref name="reply"/> and the
    /// end of turn. Prompt and whole are encoded separately, and the prompt's ids must be a prefix of the whole's:
    /// that is where the loss starts, and it means the model is trained on exactly the prompt it will be given.
    /// </summary>
    public EncodedTurn EncodeTraining(IReadOnlyList<ChatMessage> messages, string reply)
    {
        var prompt = Tokenizer.Encode(Format.TrainingPrompt(messages));
        var all = Tokenizer.Encode(Format.RenderTraining(messages, reply));
        if (all.Length <= prompt.Length || !all.AsSpan(0, prompt.Length).SequenceEqual(prompt))
            throw new InvalidOperationException(
                $"chat format {Format.Name} with tokenizer {Tokenizer.Source}: the prompt's tokens are not a prefix of the training sequence's (a merge across the assistant header)");
        return new EncodedTurn(all, prompt.Length);
    }
}
