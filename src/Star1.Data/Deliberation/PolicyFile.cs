namespace Star1.Data.Deliberation;

/// <summary>
/// Reads one policy file strictly. The format (prompts/README.md) is plain Markdown in a fixed shape:
/// <code>
/// # Category name                 (exactly one of the eight)
/// ## Definition                   (one paragraph: what the classifier sees)
/// ## Objective                    (one paragraph)
/// ## Rules                        (exactly three numbered rules, in this order:)
/// 1. Refuse: ...
/// 2. Safe-complete: ...
/// 3. Redirect: ...
/// </code>
/// Blank lines are ignored; a paragraph or rule may wrap onto further lines, which are joined with single
/// spaces. Anything else (another heading, text before the title, a missing or empty part, a fourth rule) is
/// an error naming the file and line, so a policy edit can never silently drop a rule from every prompt.
/// </summary>
public static class PolicyFile
{
    private static readonly string[] Sections = ["Definition", "Objective", "Rules"];

    public static Policy Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        string? title = null;
        int section = -1; // index into Sections, -1 before the first heading
        var paragraphs = new List<string>[2] { [], [] };
        var rules = new List<(int Number, string Kind, List<string> Text)>();

        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            int lineNo = i + 1;
            if (line.Length == 0) continue;
            if (title is null)
            {
                if (!line.StartsWith("# ", StringComparison.Ordinal))
                    throw Error(path, lineNo, "the file must start with '# <category name>'");
                title = line[2..].Trim();
                if (!SafetyCategories.IsCategory(title))
                    throw Error(path, lineNo, $"'{title}' is not one of the eight categories ({string.Join("; ", SafetyCategories.All)})");
                continue;
            }
            if (line.StartsWith('#'))
            {
                var expected = section + 1 < Sections.Length ? Sections[section + 1] : null;
                if (expected is null || line != "## " + expected)
                    throw Error(path, lineNo, expected is null
                        ? $"unexpected heading '{line}' after the rules"
                        : $"expected the heading '## {expected}', found '{line}'");
                if (section >= 0 && section < 2 && paragraphs[section].Count == 0)
                    throw Error(path, lineNo, $"the {Sections[section]} section is empty");
                section++;
                continue;
            }
            switch (section)
            {
                case -1:
                    throw Error(path, lineNo, "text before the '## Definition' heading");
                case 0 or 1:
                    paragraphs[section].Add(line);
                    break;
                default:
                    var rule = TryRuleStart(line);
                    if (rule is { } r)
                    {
                        int number = rules.Count + 1;
                        if (number > 3) throw Error(path, lineNo, "a policy has exactly three rules; found a fourth");
                        if (r.Number != number) throw Error(path, lineNo, $"expected rule {number}, found rule {r.Number}");
                        var kind = PolicyRule.Kinds[number - 1];
                        if (r.Kind != kind) throw Error(path, lineNo, $"rule {number} must start with '{number}. {kind}:', found '{r.Kind}:'");
                        rules.Add((number, kind, r.Text.Length == 0 ? [] : [r.Text]));
                    }
                    else if (rules.Count == 0)
                        throw Error(path, lineNo, "expected '1. Refuse: ...' as the first line of the rules");
                    else
                        rules[^1].Text.Add(line);
                    break;
            }
        }

        if (title is null) throw Error(path, null, "the file is empty; it must start with '# <category name>'");
        if (section < 2) throw Error(path, null, $"missing the '## {Sections[section + 1]}' section");
        if (rules.Count < 3) throw Error(path, null, $"a policy has exactly three rules; found {rules.Count} (missing '{rules.Count + 1}. {PolicyRule.Kinds[rules.Count]}: ...')");
        foreach (var r in rules)
            if (r.Text.Count == 0) throw Error(path, null, $"rule {r.Number} ({r.Kind}) has no text");

        return new Policy(title, string.Join(' ', paragraphs[0]), string.Join(' ', paragraphs[1]),
            [.. rules.Select(r => new PolicyRule(r.Number, r.Kind, string.Join(' ', r.Text)))]);
    }

    private static (int Number, string Kind, string Text)? TryRuleStart(string line)
    {
        int dot = line.IndexOf(". ", StringComparison.Ordinal);
        if (dot <= 0 || !int.TryParse(line.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number))
            return null;
        var rest = line[(dot + 2)..];
        int colon = rest.IndexOf(':');
        return colon < 0 ? (number, rest.Trim(), "") : (number, rest[..colon].Trim(), rest[(colon + 1)..].Trim());
    }

    private static PolicyFormatException Error(string path, int? line, string message) =>
        new(line is int l ? $"policy file {path} line {l}: {message}" : $"policy file {path}: {message}");
}

/// <summary>A policy file that does not follow the format, or a set of policies that is incomplete.</summary>
public sealed class PolicyFormatException(string message) : Exception(message);
