namespace Star1.Modeling.Training;

/// <summary>
/// Which parameters weight decay applies to, by their Hugging Face name: everything except biases and norm
/// weights (RMSNorm scales: input_layernorm, post_attention_layernorm, model.norm), as HF Trainer's
/// get_decay_parameter_names does. Decaying a norm's scale pulls it towards 0 rather than its neutral 1.
/// </summary>
public static class DecayGroups
{
    public static bool Decays(string name)
    {
        if (name.EndsWith(".bias", StringComparison.Ordinal)) return false;
        var module = name.EndsWith(".weight", StringComparison.Ordinal) ? name[..^".weight".Length] : name;
        var last = module[(module.LastIndexOf('.') + 1)..];
        return !last.Contains("norm", StringComparison.OrdinalIgnoreCase);
    }
}
