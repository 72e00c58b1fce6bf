namespace Star1.Chat.Tokenization;

/// <summary>
/// What the trainer, the generator and the chat formats need of a tokenizer, whatever implements it.
/// Ids are <see cref="int"/> because that is what tensors and label arrays hold.
/// </summary>
public interface ITokenizer
{
    /// <summary>Where the tokenizer came from (a file path or "embedded"), for error messages.</summary>
    string Source { get; }

    /// <summary>One more than the highest id the tokenizer can produce (model vocabulary plus added tokens).
    /// A model's embedding table may be larger (Qwen pads it to a multiple of 64); never smaller.</summary>
    int VocabSize { get; }

    /// <summary>The text as ids, with no implicit BOS/EOS: a chat format writes the ones it wants itself.
    /// Added tokens written in the text (<c>&lt;think&gt;</c>, <c>&lt;|im_end|&gt;</c>) come out as their single id,
    /// as Hugging Face tokenizers do when a rendered chat template is tokenized.</summary>
    int[] Encode(string text);

    /// <summary>The ids as text. <paramref name="skipSpecial"/> drops tokens marked special (BOS, EOS, turn
    /// markers) and keeps added tokens that are not (<c>&lt;think&gt;</c> in the R1 distills), as Hugging Face does.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecial = true);

    /// <summary>The id of one token written as its vocabulary string (an added token such as
    /// <c>&lt;|eot_id|&gt;</c>, or any vocabulary entry), or null when the tokenizer has no such token.</summary>
    int? FindTokenId(string token);

    /// <summary>BOS, EOS and padding as the tokenizer's configuration names them; null when it names none.</summary>
    int? BosId { get; }
    int? EosId { get; }
    int? PadId { get; }
}

public static class TokenizerExtensions
{
    /// <summary>The id of a token the caller cannot do without; a clear error naming the tokenizer when missing.</summary>
    public static int TokenId(this ITokenizer tokenizer, string token) =>
        tokenizer.FindTokenId(token)
        ?? throw new InvalidOperationException($"tokenizer {tokenizer.Source} has no token '{token}'");
}
