using System.Text.RegularExpressions;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// train.external.command as a template: <c>{name}</c> placeholders replaced by the stage's paths and recipe values,
/// each value shell-quoted since the command runs under /bin/sh -c. An unknown name is an error before anything
/// runs (Preflight says it too), so a typo never reaches a multi-hour launch as a literal "{daat}".
/// </summary>
public static partial class CommandTemplate
{
    /// <summary>The placeholders a command may use, with what each stands for (for the error message and the README).</summary>
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["data"] = "the chat JSONL file (one {\"messages\": [...]} line per training example)",
        ["data_dir"] = "the folder holding it as train.jsonl (what datasets.load_dataset takes)",
        ["deepspeed_config"] = "the DeepSpeed ZeRO config JSON",
        ["training_args"] = "the Hugging Face training-arguments JSON",
        ["base_model"] = "the base model: its folder when it is on disk, else its hub id",
        ["output_dir"] = "where the trainer must save the final checkpoint (the stage's staged checkpoint/)",
        ["epochs"] = "train.epochs",
        ["learning_rate"] = "train.learning_rate",
        ["seed"] = "train.seed",
        ["max_length"] = "train.max_length",
        ["gpus"] = "train.external.gpus",
        ["zero_stage"] = "train.external.zero_stage",
    };

    [GeneratedRegex(@"\{([^{}\s]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>Throws naming the first unknown placeholder and <paramref name="key"/>.</summary>
    public static void Check(string template, string key)
    {
        foreach (Match m in Placeholder().Matches(template))
            if (!Known.ContainsKey(m.Groups[1].Value))
                throw new ArgumentException($"{key}: unknown placeholder {m.Value}; known: {string.Join(", ", Known.Keys.Select(k => "{" + k + "}"))}");
    }

    /// <summary>The command with every placeholder replaced by its single-quoted value.</summary>
    public static string Render(string template, string key, IReadOnlyDictionary<string, string> values)
    {
        Check(template, key);
        return Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? Quote(v)
            : throw new InvalidOperationException($"{key}: no value for {m.Value}"));
    }

    /// <summary>POSIX single quotes: nothing inside is special, and a quote in the value is closed, escaped and reopened.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
