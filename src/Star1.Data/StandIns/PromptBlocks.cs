using Star1.Data.Deliberation;
using Star1.Llm;

namespace Star1.Data.StandIns;

/// <summary>
/// Reads the delimited blocks the prompt templates write (<c>&lt;question&gt;</c> ... <c>&lt;/question&gt;</c>,
/// each tag on a line of its own) out of a rendered request, the only thing a stand-in looks at, just as a real
/// model sees only the messages. When a template is edited so that a block a stand-in needs is gone, the
/// stand-in fails saying which block, rather than answering something unrelated.
/// </summary>
internal static class PromptBlocks
{
    /// <summary>The text the stand-ins read: the last user message.</summary>
    public static string PromptOf(ChatRequest request, string model) =>
        request.Messages.LastOrDefault(m => m.Role == "user")?.Content
        ?? throw new StandInException($"stand-in {model}: the request has no user message");

    public static bool Has(string prompt, string tag) => Find(prompt, tag) is not null;

    public static string Get(string prompt, string tag, string model) =>
        Find(prompt, tag) ?? throw new StandInException(
            $"stand-in {model}: the prompt has no <{tag}> block (a line '<{tag}>', then later a line '</{tag}>'); " +
            "the template no longer writes what this stand-in reads");

    private static string? Find(string prompt, string tag)
    {
        var lines = prompt.Replace("\r\n", "\n").Split('\n');
        int open = Array.FindIndex(lines, l => l.Trim() == $"<{tag}>");
        if (open < 0) return null;
        int close = Array.FindIndex(lines, open + 1, l => l.Trim() == $"</{tag}>");
        return close < 0 ? null : string.Join('\n', lines[(open + 1)..close]).Trim();
    }

    /// <summary>
    /// The policies in a <c>&lt;policies&gt;</c> block, as <see cref="Policy.Render"/> writes them: a
    /// <c>### Policy: name</c> heading, an objective line, and numbered rules <c>N. Kind: text</c>. None when the
    /// block holds <see cref="Policies.NoPolicyText"/>.
    /// </summary>
    public static IReadOnlyList<Policy> Policies(string block, string model)
    {
        var result = new List<Policy>();
        if (block.Trim() == Deliberation.Policies.NoPolicyText) return result;
        foreach (var chunk in block.Split(Deliberation.Policies.Separator.Trim(), StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var lines = chunk.Split('\n', StringSplitOptions.TrimEntries);
            if (!lines[0].StartsWith(Policy.HeadingPrefix.Trim(), StringComparison.Ordinal))
                throw new StandInException($"stand-in {model}: a policy in the <policies> block does not start with '{Policy.HeadingPrefix.Trim()} <category>'");
            var name = lines[0][Policy.HeadingPrefix.Trim().Length..].Trim();
            var objective = lines.FirstOrDefault(l => l.StartsWith("Objective: ", StringComparison.Ordinal))?["Objective: ".Length..] ?? "";
            var rules = new List<PolicyRule>();
            foreach (var line in lines)
            {
                int dot = line.IndexOf(". ", StringComparison.Ordinal), colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (dot is 1 && char.IsAsciiDigit(line[0]) && colon > dot)
                    rules.Add(new PolicyRule(line[0] - '0', line[(dot + 2)..colon], line[(colon + 2)..]));
            }
            if (rules.Count != 3)
                throw new StandInException($"stand-in {model}: the policy for '{name}' in the <policies> block has {rules.Count} numbered rules, expected 3");
            result.Add(new Policy(name, "", objective, rules));
        }
        return result;
    }
}

/// <summary>A request an offline stand-in cannot answer (unknown model, a prompt missing a block it reads).</summary>
public sealed class StandInException(string message) : Exception(message);
