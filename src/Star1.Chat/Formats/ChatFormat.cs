namespace Star1.Chat.Formats;

/// <summary>
/// A model family's chat template, written out by hand from the published Jinja template (no Jinja engine
/// exists for .NET): conversation -> text, with the special tokens written as their strings. Turning the text
/// into ids, with every special token a single id, is <see cref="ChatTemplate"/>'s job.
/// <para>
/// Two prompts: the <em>generation</em> prompt is what the published template renders with
/// <c>add_generation_prompt=True</c>; the <em>training</em> prompt is what precedes the trained assistant turn in
/// an SFT sequence (paper section 5), which differs for the R1 distills (no <c>&lt;think&gt;\n</c> there: the
/// response carries its own, and the Qwen distills train without BOS).
/// </para>
/// </summary>
public abstract class ChatFormat
{
    /// <summary>The name params and the command line use (<see cref="ChatFormats.Names"/>).</summary>
    public abstract string Name { get; }

    /// <summary>Every special token the format writes; each must be one id in the model's tokenizer.</summary>
    public abstract IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>The token that closes an assistant turn: trained on at the end of every SFT sequence, the stop
    /// token when generating, and the padding of SFT batches (the tokenizer's EOS in all five families).</summary>
    public abstract string EndOfTurn { get; }

    /// <summary>Other tokens that end a generation in the family's generation_config.json (Qwen2.5's
    /// <c>&lt;|endoftext|&gt;</c>, Llama 3.1's <c>&lt;|end_of_text|&gt;</c> and <c>&lt;|eom_id|&gt;</c>); those the
    /// tokenizer lacks are left out.</summary>
    public virtual IReadOnlyList<string> ExtraStopTokens => [];

    /// <summary>True for the R1 distills, which always open their answer with a think block: with think_flag 0
    /// they train on an empty one (<c>&lt;think&gt;\n\n&lt;/think&gt;\n\n{answer}</c>); instruct models
    /// (<c>base_flag</c>) train on the bare answer.</summary>
    public abstract bool Reasons { get; }

    /// <summary>The conversation so far, then the header of the assistant turn to generate.</summary>
    public abstract string GenerationPrompt(IReadOnlyList<ChatMessage> messages);

    /// <summary>The conversation before the trained assistant turn, then that turn's header.</summary>
    public abstract string TrainingPrompt(IReadOnlyList<ChatMessage> messages);

    /// <summary>The trained assistant turn: the reply as it is, then <see cref="EndOfTurn"/>.</summary>
    public virtual string TrainingReply(string reply) => reply + EndOfTurn;

    /// <summary>Generation prompt, trained turn and the full text as one string: what snapshots show.</summary>
    public string RenderTraining(IReadOnlyList<ChatMessage> messages, string reply) => TrainingPrompt(messages) + TrainingReply(reply);

    public override string ToString() => Name;
}
