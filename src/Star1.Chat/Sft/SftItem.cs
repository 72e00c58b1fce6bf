namespace Star1.Chat.Sft;

/// <summary>One training example: a question and a response in the R1 layout
/// <c>&lt;think&gt;\n{cot}\n&lt;/think&gt;\n\n{answer}</c>. <see cref="Key"/> names it in errors
/// (<c>star1/12</c>, <c>benign/12</c>: ids repeat across origins).</summary>
public sealed record SftItem(string Key, string Question, string Response);

/// <summary>
/// The recipe's sequence settings (PAPER.md section 5). <see cref="ThinkFlag"/> true trains on the whole response;
/// false on the answer alone, inside an empty think block for a reasoning model and bare for an instruct model.
/// <see cref="BaseFlag"/> says which: null takes it from the chat format (instruct formats are base_flag models).
/// </summary>
public sealed record SftOptions(int MaxLength, bool ThinkFlag = true, bool? BaseFlag = null)
{
    public const int IgnoreIndex = -100;
}

/// <summary>One example as ids, after left truncation and before padding. <see cref="Labels"/> lines up with
/// <see cref="InputIds"/> (Hugging Face's convention: the model shifts them), -100 on the prompt.</summary>
public sealed record SftSequence(string Key, int[] InputIds, int[] Labels, int TruncatedTokens)
{
    public int Length => InputIds.Length;
    public int TrainedTokens => Labels.Count(l => l != SftOptions.IgnoreIndex);
}
